// QR encoder, font and canvas. Expected values come from ISO/IEC 18004
// (worked example, tables) or are derived by hand in the comments, never
// from running the encoder.
import { test, expect, expectEq, report } from "./harness";
import { Ecl, QrCode, byteCapacity, encodeQr, encodeQrWithMask, smallestVersion } from "../../assembly/qr/qr";
import { gfMul, rsGenerator, rsRemainder } from "../../assembly/qr/rs";
import { formatBits, versionBits } from "../../assembly/qr/format";
import { penalty } from "../../assembly/qr/mask";
import { GLYPH_HEIGHT, glyphRow, hasGlyph } from "../../assembly/ui/font";
import { Canvas, FORMAT_MONO, FORMAT_RGB565 } from "../../assembly/ui/canvas";

function bytesOf(values: i32[]): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = <u8>values[i];
  return out;
}

function filled(n: i32, value: u8): Uint8Array {
  const out = new Uint8Array(n);
  out.fill(value);
  return out;
}

// ---------------------------------------------------------------- GF(256), RS

test("GF(256): α^8 reduces by 0x11D to 0x1D, and α^255 = 1", () => {
  let a: u32 = 1;
  for (let i = 0; i < 8; i++) a = gfMul(a, 2);
  expectEq<u32>(a, 0x1d, "α^8");
  for (let i = 8; i < 255; i++) a = gfMul(a, 2);
  expectEq<u32>(a, 1, "α^255");
  expectEq<u32>(gfMul(0, 0xff), 0, "0 · x");
  expectEq<u32>(gfMul(1, 0xa5), 0xa5, "1 · x");
});

test("RS generator of degree 7 (Annex A): α^87, α^229, α^146, α^149, α^238, α^102, α^21", () => {
  // As integers: α^87 = 127, α^229 = 122, α^146 = 154, α^149 = 164,
  // α^238 = 11, α^102 = 68, α^21 = 117.
  const expected: i32[] = [127, 122, 154, 164, 11, 68, 117];
  const g = rsGenerator(7);
  expectEq<i32>(g.length, 7, "degree");
  for (let i = 0; i < 7; i++) expectEq<i32>(g[i], expected[i], "coefficient " + i.toString());
});

test("RS ECC of the ISO 18004 Annex I example \"01234567\", version 1-M", () => {
  // Data codewords of the worked example (numeric mode, then padding) and
  // the ten ECC codewords the annex publishes.
  const data = bytesOf([0x10, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11]);
  const expected: i32[] = [0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55];
  const ecc = rsRemainder(data, 0, data.length, rsGenerator(10));
  expectEq<i32>(ecc.length, 10, "ECC length for 1-M");
  for (let i = 0; i < 10; i++) expectEq<i32>(ecc[i], expected[i], "ECC codeword " + i.toString());
});

test("RS ECC of \"HELLO WORLD\" 1-M (the widely published tutorial example)", () => {
  const data = bytesOf([32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]);
  const expected: i32[] = [196, 35, 39, 119, 235, 215, 231, 226, 93, 23];
  // Placed after unrelated bytes, to check the start offset is honoured.
  const buffer = new Uint8Array(20);
  buffer.set(data, 4);
  const ecc = rsRemainder(buffer, 4, 16, rsGenerator(10));
  for (let i = 0; i < 10; i++) expectEq<i32>(ecc[i], expected[i], "ECC codeword " + i.toString());
});

// ------------------------------------------------------- format and version

test("format bits for level L, masks 0-7 (ISO 18004 Table C.1)", () => {
  const expected: i32[] = [0x77c4, 0x72f3, 0x7daa, 0x789d, 0x662f, 0x6318, 0x6c41, 0x6976];
  for (let m = 0; m < 8; m++) expectEq<i32>(formatBits(Ecl.L, m), expected[m], "L mask " + m.toString());
});

test("format bits for level M, masks 0-7 (ISO 18004 Table C.1)", () => {
  const expected: i32[] = [0x5412, 0x5125, 0x5e7c, 0x5b4b, 0x45f9, 0x40ce, 0x4f97, 0x4aa0];
  for (let m = 0; m < 8; m++) expectEq<i32>(formatBits(Ecl.M, m), expected[m], "M mask " + m.toString());
});

test("version bits for versions 7-10 (ISO 18004 Table D.1)", () => {
  expectEq<i32>(versionBits(7), 0x07c94, "version 7");
  expectEq<i32>(versionBits(8), 0x085bc, "version 8");
  expectEq<i32>(versionBits(9), 0x09a99, "version 9");
  expectEq<i32>(versionBits(10), 0x0a4d3, "version 10");
});

// ------------------------------------------------------------------ capacity

// Byte-mode capacity in bytes, versions 1-10 (ISO 18004 Table 7).
const CAPACITY_L: i32[] = [17, 32, 53, 78, 106, 134, 154, 192, 230, 271];
const CAPACITY_M: i32[] = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213];

test("byte-mode capacity per version, levels L and M (Table 7)", () => {
  for (let v = 1; v <= 10; v++) {
    expectEq<i32>(byteCapacity(v, Ecl.L), CAPACITY_L[v - 1], "L version " + v.toString());
    expectEq<i32>(byteCapacity(v, Ecl.M), CAPACITY_M[v - 1], "M version " + v.toString());
  }
});

test("the smallest version that fits is chosen, at both edges of every version", () => {
  for (let v = 1; v <= 10; v++) {
    const capL = CAPACITY_L[v - 1];
    const capM = CAPACITY_M[v - 1];
    expectEq<i32>(smallestVersion(capL, Ecl.L), v, "L full version " + v.toString());
    expectEq<i32>(smallestVersion(capM, Ecl.M), v, "M full version " + v.toString());
    const qrL = encodeQr(filled(capL, 0x61), Ecl.L);
    const qrM = encodeQr(filled(capM, 0x61), Ecl.M);
    expect(qrL !== null && qrL.version == v && qrL.size == 17 + 4 * v, "L encodes " + capL.toString() + " bytes in version " + v.toString());
    expect(qrM !== null && qrM.version == v && qrM.size == 17 + 4 * v, "M encodes " + capM.toString() + " bytes in version " + v.toString());
    if (v < 10) {
      expectEq<i32>(smallestVersion(capL + 1, Ecl.L), v + 1, "L one byte over version " + v.toString());
      expectEq<i32>(smallestVersion(capM + 1, Ecl.M), v + 1, "M one byte over version " + v.toString());
    }
  }
  const empty = encodeQr(new Uint8Array(0), Ecl.M);
  expect(empty !== null && empty.version == 1, "empty data is version 1");
});

test("data beyond version 10 gives null instead of trapping", () => {
  expect(encodeQr(filled(272, 0x61), Ecl.L) === null, "272 bytes at L");
  expect(encodeQr(filled(214, 0x61), Ecl.M) === null, "214 bytes at M");
  expect(encodeQr(filled(5000, 0), Ecl.M) === null, "5000 bytes");
  expect(encodeQr(filled(271, 0x61), Ecl.L) !== null, "271 bytes at L still fit");
  expectEq<i32>(smallestVersion(-1, Ecl.L), 0, "negative length");
});

// ------------------------------------------------------------ symbol layout

/** The 15 format bits read back from copy 1 (around the top-left finder). */
function readFormatCopy1(qr: QrCode): i32 {
  // Bits 0-5 down column 8 (rows 0-5), bit 6 row 7, bit 7 row 8; bit 8 at
  // column 7 and bits 9-14 at columns 5-0 of row 8 (§7.9.1, Figure 25).
  let bits = 0;
  for (let i = 0; i < 15; i++) {
    let dark = false;
    if (i < 6) dark = qr.getModule(8, i);
    else if (i < 8) dark = qr.getModule(8, i + 1);
    else if (i == 8) dark = qr.getModule(7, 8);
    else dark = qr.getModule(14 - i, 8);
    if (dark) bits |= 1 << i;
  }
  return bits;
}

/** The same 15 bits from copy 2 (row 8 on the right, column 8 at the bottom). */
function readFormatCopy2(qr: QrCode): i32 {
  let bits = 0;
  for (let i = 0; i < 15; i++) {
    const dark = i < 8 ? qr.getModule(qr.size - 1 - i, 8) : qr.getModule(8, qr.size - 15 + i);
    if (dark) bits |= 1 << i;
  }
  return bits;
}

test("symbols carry finders, timing, dark module and both format copies", () => {
  const url = "https://example.com/device?user_code=WDJB-MJHT";
  const data = Uint8Array.wrap(String.UTF8.encode(url));
  const qr = encodeQr(data, Ecl.M);
  expect(qr !== null, "encodes");
  if (qr === null) return;
  expectEq<i32>(qr.version, 4, "46 bytes at M need version 4 (capacity 62, version 3 holds 42)");
  const n = qr.size;
  // Finder: the outer ring and the 3 × 3 core are dark, the ring between light.
  expect(qr.getModule(0, 0) && qr.getModule(6, 6) && qr.getModule(3, 3), "top-left finder dark parts");
  expect(!qr.getModule(1, 1) && !qr.getModule(5, 5) && !qr.getModule(7, 7), "top-left finder light ring and separator");
  expect(qr.getModule(n - 1, 0) && qr.getModule(0, n - 1), "the other finders' corners");
  // Timing row 6: dark on even columns between the finders.
  for (let x = 8; x < n - 8; x++) expectEq<bool>(qr.getModule(x, 6), x % 2 == 0, "timing at column " + x.toString());
  for (let y = 8; y < n - 8; y++) expectEq<bool>(qr.getModule(6, y), y % 2 == 0, "timing at row " + y.toString());
  expect(qr.getModule(8, n - 8), "the dark module at (8, 4V + 9)");
  // Version 4 has one alignment pattern centred at (26, 26).
  expect(qr.getModule(26, 26) && !qr.getModule(25, 26) && qr.getModule(24, 26), "alignment pattern");
  expectEq<i32>(readFormatCopy1(qr), formatBits(Ecl.M, qr.mask), "format copy 1");
  expectEq<i32>(readFormatCopy2(qr), formatBits(Ecl.M, qr.mask), "format copy 2");
  expect(!qr.getModule(-1, 0) && !qr.getModule(0, n) && !qr.getModule(i32.MIN_VALUE, i32.MAX_VALUE), "outside is light, no trap");
});

test("forcing the mask: every mask 0-7 is honoured and written into the format bits", () => {
  const data = filled(20, 0x41);
  for (let m = 0; m < 8; m++) {
    const qr = encodeQrWithMask(data, Ecl.L, m);
    expect(qr !== null && qr.mask == m, "mask " + m.toString());
    if (qr !== null) expectEq<i32>(readFormatCopy1(qr), formatBits(Ecl.L, m), "format bits, mask " + m.toString());
  }
  const auto = encodeQr(data, Ecl.L, -1);
  expect(auto !== null && auto.mask >= 0 && auto.mask <= 7, "automatic mask is 0-7");
});

test("version information of a version 7 symbol (§7.10, Figure 27)", () => {
  const qr = encodeQr(filled(140, 0x5a), Ecl.L); // 134 < 140 <= 154: version 7
  expect(qr !== null, "encodes");
  if (qr === null) return;
  expectEq<i32>(qr.version, 7, "version");
  let bottomLeft = 0;
  let topRight = 0;
  for (let i = 0; i < 18; i++) {
    if (qr.getModule(i / 3, qr.size - 11 + (i % 3))) bottomLeft |= 1 << i;
    if (qr.getModule(qr.size - 11 + (i % 3), i / 3)) topRight |= 1 << i;
  }
  expectEq<i32>(bottomLeft, 0x07c94, "bottom-left block");
  expectEq<i32>(topRight, 0x07c94, "top-right block");
});

// ------------------------------------------------------------------- penalty

test("penalty of uniform symbols: N1 + N2 + N4 by hand", () => {
  // 21 × 21 of one colour: N1 each of 42 lines is one run of 21, 3 + 16 =
  // 19 → 798; N2 20 × 20 blocks · 3 = 1200; N3 none; N4 0 % or 100 % dark is
  // 10 steps of 5 % → 100. Total 2098.
  expectEq<i32>(penalty(filled(441, 0), 21), 2098, "all light");
  expectEq<i32>(penalty(filled(441, 1), 21), 2098, "all dark");
});

test("penalty of a checkerboard is zero", () => {
  // No runs of 5, no 2 × 2 blocks, no 1:1:3:1:1, 221 of 441 dark (50.1 %).
  const m = new Uint8Array(441);
  for (let i = 0; i < 441; i++) m[i] = <u8>(((i / 21) + (i % 21)) % 2 == 0 ? 1 : 0);
  expectEq<i32>(penalty(m, 21), 0, "checkerboard");
});

test("penalty counts one finder-like pattern with light space beside it (N3)", () => {
  // All light but row 10, columns 7-13 = 1011101 (dark at 7, 9, 10, 11, 13).
  // N1: row 10 has light runs of 7 on both sides (5 + 5 = 10); the other 20
  // rows score 19 each (380); the 5 columns with a dark module have two
  // light runs of 10 (8 + 8 = 16 each, 80); the other 16 columns 19 each
  // (304). N1 = 774.
  // N2: of 400 blocks, those on rows 9-10 or 10-11 whose two columns touch
  // 7-13 (left column 6 to 13) are mixed: 8 · 2 = 16, so 384 · 3 = 1152.
  // N3: one pattern, light columns 3-6 before it: 40.
  // N4: 5 dark of 441 is 1.1 %, 9 whole steps of 5 % from 50 %: 90.
  const m = new Uint8Array(441);
  const darkCols: i32[] = [7, 9, 10, 11, 13];
  for (let i = 0; i < darkCols.length; i++) m[10 * 21 + darkCols[i]] = 1;
  expectEq<i32>(penalty(m, 21), 774 + 1152 + 40 + 90, "penalty");
});

// ---------------------------------------------------------------------- font

test("font: glyphs for 0x20-0x7E, a box for anything else", () => {
  expect(hasGlyph(0x20) && hasGlyph(0x7e), "range ends");
  expect(!hasGlyph(0x1f) && !hasGlyph(0x7f) && !hasGlyph(0xe9), "outside the range");
  // 'A' drawn by hand: .###. #...# #...# ##### #...# #...# #...#, no descender
  const a: u32[] = [0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11, 0x00];
  for (let r = 0; r < GLYPH_HEIGHT; r++) expectEq<u32>(glyphRow(0x41, r), a[r], "'A' row " + r.toString());
  for (let r = 0; r < GLYPH_HEIGHT; r++) expectEq<u32>(glyphRow(0x20, r), 0, "space is blank");
  expectEq<u32>(glyphRow(0x2603, 0), 0x1f, "unknown: box top");
  expectEq<u32>(glyphRow(0x2603, 3), 0x11, "unknown: box sides");
  expectEq<u32>(glyphRow(0x41, -1), 0, "row above");
  expectEq<u32>(glyphRow(0x41, 7), 0, "row below");
});

test("font: every printable glyph but space has ink, fits 5 columns, and no two are alike", () => {
  for (let c = 0x21; c <= 0x7e; c++) {
    let ink: u32 = 0;
    for (let r = 0; r < GLYPH_HEIGHT; r++) ink |= glyphRow(c, r);
    expect(ink != 0, "ink in " + String.fromCharCode(c));
    expect(ink <= 0x1f, "5 columns in " + String.fromCharCode(c));
    for (let d = 0x20; d < c; d++) {
      let same = true;
      for (let r = 0; r < GLYPH_HEIGHT; r++) if (glyphRow(c, r) != glyphRow(d, r)) same = false;
      expect(!same, String.fromCharCode(c) + " differs from " + String.fromCharCode(d));
    }
  }
});

// -------------------------------------------------------------------- canvas

function countOn(c: Canvas): i32 {
  let n = 0;
  for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) if (c.pixel(x, y) != 0) n++;
  return n;
}

test("canvas: sizes, formats and colour conversion", () => {
  const mono = new Canvas(10, 5, FORMAT_MONO);
  const rgb = new Canvas(10, 5, FORMAT_RGB565);
  expectEq<i32>(mono.byteLength, 50, "mono: 1 byte per pixel");
  expectEq<i32>(rgb.byteLength, 100, "RGB565: 2 bytes per pixel");
  expect(mono.dataPtr != 0 && rgb.dataPtr != 0, "buffers have addresses");
  // Luma 0.299 R + 0.587 G + 0.114 B above 127.5 is on.
  mono.fillRect(0, 0, 1, 1, 0x808080); // 128
  mono.fillRect(1, 0, 1, 1, 0x7f7f7f); // 127
  mono.fillRect(2, 0, 1, 1, 0x00ff00); // 149.7
  mono.fillRect(3, 0, 1, 1, 0xff0000); // 76.2
  expectEq<i32>(mono.pixel(0, 0), 1, "mid grey 128 is on");
  expectEq<i32>(mono.pixel(1, 0), 0, "grey 127 is off");
  expectEq<i32>(mono.pixel(2, 0), 1, "green is on");
  expectEq<i32>(mono.pixel(3, 0), 0, "red is off");
  rgb.fillRect(0, 0, 1, 1, 0xff0000);
  rgb.fillRect(1, 0, 1, 1, 0x00ff00);
  rgb.fillRect(2, 0, 1, 1, 0x0000ff);
  rgb.fillRect(3, 0, 1, 1, 0xffffff);
  expectEq<i32>(rgb.pixel(0, 0), 0xf800, "red");
  expectEq<i32>(rgb.pixel(1, 0), 0x07e0, "green");
  expectEq<i32>(rgb.pixel(2, 0), 0x001f, "blue");
  expectEq<i32>(rgb.pixel(3, 0), 0xffff, "white");
  expectEq<u8>(load<u8>(rgb.dataPtr), 0x00, "little-endian low byte of red");
  expectEq<u8>(load<u8>(rgb.dataPtr + 1), 0xf8, "little-endian high byte of red");
  rgb.clear(0xffffff);
  expectEq<i32>(rgb.pixel(9, 4), 0xffff, "clear fills everything");
  expectEq<i32>(rgb.pixel(10, 0), -1, "outside reads -1");
});

test("canvas: rectangles clip at every edge, with extreme coordinates", () => {
  const c = new Canvas(8, 6, FORMAT_MONO);
  c.fillRect(-3, -3, 5, 5, 0xffffff); // covers (0..1, 0..1)
  expectEq<i32>(countOn(c), 4, "top-left corner clipped");
  c.clear(0);
  c.fillRect(6, 4, 100, 100, 0xffffff); // covers (6..7, 4..5)
  expectEq<i32>(countOn(c), 4, "bottom-right corner clipped");
  c.clear(0);
  c.fillRect(i32.MAX_VALUE, i32.MAX_VALUE, i32.MAX_VALUE, i32.MAX_VALUE, 0xffffff);
  c.fillRect(i32.MIN_VALUE, i32.MIN_VALUE, 10, 10, 0xffffff);
  c.fillRect(0, 0, -5, 3, 0xffffff);
  expectEq<i32>(countOn(c), 0, "off-canvas and negative sizes draw nothing");
  c.fillRect(i32.MIN_VALUE, 0, i32.MAX_VALUE, 1, 0xffffff); // ends at x = -1
  expectEq<i32>(countOn(c), 0, "x + w that stays negative draws nothing");
  c.fillRect(-1, 2, i32.MAX_VALUE, 1, 0xffffff);
  expectEq<i32>(countOn(c), 8, "a huge width fills one whole row, no overflow");
  const empty = new Canvas(-4, 3, FORMAT_RGB565);
  expectEq<i32>(empty.byteLength, 0, "negative size gives an empty canvas");
  empty.clear(0xffffff);
  empty.fillRect(0, 0, 2, 2, 0xffffff);
});

test("canvas: text draws glyphs, clips, and reports its width", () => {
  const c = new Canvas(20, 10, FORMAT_MONO);
  expectEq<i32>(c.textWidth("AB", 1), 12, "two 6-pixel cells");
  expectEq<i32>(c.textWidth("AB", 2), 24, "scaled");
  expectEq<i32>(c.textWidth("\u{1F600}", 1), 6, "a surrogate pair is one character");
  expectEq<i32>(c.textWidth("A", 0), 6, "scale below 1 counts as 1");
  expectEq<i32>(c.textWidth("AAAA", i32.MAX_VALUE), i32.MAX_VALUE, "huge widths are capped");
  expectEq<i32>(c.drawText(0, 0, "A", 0xffffff), 6, "returns the width");
  // 'A' has 3 + 2 + 2 + 5 + 2 + 2 + 2 = 18 lit pixels.
  expectEq<i32>(countOn(c), 18, "pixels of 'A'");
  expectEq<i32>(c.pixel(0, 0), 0, "'A' top-left is empty");
  expectEq<i32>(c.pixel(1, 0), 1, "'A' top row starts at column 1");
  c.clear(0);
  c.drawText(-3, -2, "A", 0xffffff);
  // Only columns 3-4 and rows 2-6 of 'A' stay on the canvas: column 3 is
  // lit in row 3 only, column 4 in rows 2-6; 1 + 5.
  expectEq<i32>(countOn(c), 6, "clipped at the top-left");
  c.clear(0);
  c.drawText(i32.MAX_VALUE, i32.MAX_VALUE, "Hello", 0xffffff, 3);
  c.drawText(i32.MIN_VALUE, i32.MAX_VALUE, "Hello", 0xffffff, i32.MAX_VALUE);
  c.drawText(i32.MIN_VALUE, 0, "Hello", 0xffffff, 1000);
  expectEq<i32>(countOn(c), 0, "far off-canvas text draws nothing");
  c.drawText(0, 0, "\u00e9", 0xffffff);
  // The box: 5 + 5 top and bottom, 2 sides × 5 middle rows = 20.
  expectEq<i32>(countOn(c), 20, "a character without a glyph draws a box");
});

test("canvas: a QR symbol is drawn black on a white quiet zone of at least 4 modules", () => {
  const qr = encodeQr(Uint8Array.wrap(String.UTF8.encode("WDJB-MJHT")), Ecl.M);
  expect(qr !== null, "encodes");
  if (qr === null) return;
  expectEq<i32>(qr.size, 21, "version 1");
  const c = new Canvas(64, 64, FORMAT_MONO);
  expectEq<i32>(c.qrPixelSize(qr, 2, 4), (21 + 8) * 2, "size with quiet zone");
  expectEq<i32>(c.qrPixelSize(qr, 2, 1), (21 + 8) * 2, "the quiet zone never drops below 4 modules");
  expectEq<i32>(c.qrPixelSize(qr, 2, 6), (21 + 12) * 2, "a wider quiet zone");
  c.drawQr(qr, 1, 1, 2, 0);
  for (let i = 0; i < 58; i++) {
    expectEq<i32>(c.pixel(1 + i, 1), 1, "top quiet row is white");
    expectEq<i32>(c.pixel(1, 1 + i), 1, "left quiet column is white");
  }
  let wrong = 0;
  for (let my = 0; my < 21; my++) {
    for (let mx = 0; mx < 21; mx++) {
      const want = qr.getModule(mx, my) ? 0 : 1; // dark = black = off
      for (let d = 0; d < 4; d++) {
        if (c.pixel(1 + 8 + 2 * mx + (d & 1), 1 + 8 + 2 * my + (d >> 1)) != want) wrong++;
      }
    }
  }
  expectEq<i32>(wrong, 0, "every module is a 2 × 2 block of the right colour");
  expectEq<i32>(c.pixel(0, 0), 0, "nothing drawn outside the symbol's square");
  expectEq<i32>(c.pixel(59, 59), 0, "nothing drawn past the square");

  const small = new Canvas(16, 16, FORMAT_RGB565);
  small.drawQr(qr, -20, -20, 3);
  small.drawQr(qr, i32.MAX_VALUE, i32.MIN_VALUE, i32.MAX_VALUE, i32.MAX_VALUE);
  expect(small.pixel(0, 0) == 0 || small.pixel(0, 0) == 0xffff, "partly off-canvas symbol clipped without trapping");
});

report();
