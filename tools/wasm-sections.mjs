// Reading a module's sections, for the build's finishing steps
// (static-headers.mjs, static-items.mjs, dead-data.mjs). Only what those
// need: the section list, the active data segments, custom sections.

export function leb(b, at) {
  let r = 0, s = 0, x;
  do { x = b[at.i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
  return r;
}

export function sleb(b, at) {
  let r = 0, s = 0, x;
  do { x = b[at.i++]; r |= (x & 0x7f) << s; s += 7; } while (x & 0x80);
  if (s < 32 && (x & 0x40)) r |= -1 << s;
  return r;
}

/** Every section: its id, where it starts (the id byte), where its contents start and end. */
export function sections(b) {
  const out = [];
  const at = { i: 8 };
  while (at.i < b.length) {
    const start = at.i;
    const id = b[at.i++];
    const size = leb(b, at);
    out.push({ id, start, body: at.i, end: at.i + size });
    at.i += size;
  }
  return out;
}

/** The active data segments: memory offset, length, and where their bytes sit in the file. */
export function dataSegments(b) {
  const data = sections(b).find((s) => s.id === 11);
  if (!data) return [];
  const at = { i: data.body };
  const out = [];
  for (let n = leb(b, at); n > 0; n--) {
    const flags = leb(b, at);
    if (flags !== 0 || b[at.i] !== 0x41) throw new Error("only active segments of memory 0 at an i32.const offset are expected");
    at.i++;
    const offset = sleb(b, at);
    if (b[at.i++] !== 0x0b) throw new Error("segment offset is not a single i32.const");
    const len = leb(b, at);
    out.push({ offset, len, file: at.i });
    at.i += len;
  }
  return out;
}

/** A custom section's name and where its payload lies, or null. */
function custom(b, s) {
  if (s.id !== 0) return null;
  const at = { i: s.body };
  const n = leb(b, at);
  const name = Buffer.from(b.subarray(at.i, at.i + n)).toString("utf8");
  return { name, payload: at.i + n };
}

/** The payload of the custom section `name`, or null. */
export function customSection(b, name) {
  for (const s of sections(b)) {
    const c = custom(b, s);
    if (c && c.name === name) return b.subarray(c.payload, s.end);
  }
  return null;
}

/** The module without the custom section `name`. */
export function withoutCustomSection(b, name) {
  const parts = [b.subarray(0, 8)];
  for (const s of sections(b)) {
    const c = custom(b, s);
    if (!(c && c.name === name)) parts.push(b.subarray(s.start, s.end));
  }
  return Buffer.concat(parts);
}
