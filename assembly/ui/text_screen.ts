// Text screens for boards with a character display. The firmware fits the
// text to the board's columns and rows; nothing secret is ever passed in.

/** Wraps one logical line to `cols`, breaking at spaces where it can, hard otherwise. */
export function wrapLine(line: string, cols: i32, out: Array<string>): void {
  if (cols <= 0) return;
  let rest = line;
  while (rest.length > cols) {
    let cut = rest.lastIndexOf(" ", cols);
    if (cut <= 0) cut = cols;
    out.push(rest.substring(0, cut).trimEnd());
    rest = rest.substring(cut).trimStart();
  }
  out.push(rest);
}

/** Lays out logical lines on a cols×rows screen; the last line (status) is always kept. */
export function layout(lines: Array<string>, cols: i32, rows: i32): string {
  if (cols <= 0 || rows <= 0) return "";
  const wrapped = new Array<string>();
  for (let i = 0; i < lines.length - 1; i++) wrapLine(lines[i], cols, wrapped);
  const status = new Array<string>();
  if (lines.length > 0) wrapLine(lines[lines.length - 1], cols, status);
  const room = rows - min(status.length, rows);
  const body = wrapped.slice(0, max(room, 0));
  for (let i = 0; i < status.length && body.length < rows; i++) body.push(status[i]);
  return body.join("\n");
}
