// Text screens for boards with a character display. The firmware fits the
// text to the board's columns and rows; nothing secret is ever passed in.
import { isLoopbackHost, parseUrl } from "../net/url";
import { joinAll } from "../net/join";
import { splitLines } from "../text/list";
import { W, words } from "./words";

/**
 * The label above the verification URI (RFC 8628 §3.3). A loopback address
 * only opens on the machine the device runs on, so the label says so
 * instead of sending the person to a phone that cannot reach it.
 */
export function openLabel(verificationUri: string): string {
  const u = parseUrl(verificationUri);
  return words(u.valid && isLoopbackHost(u.host) ? W.OpenOnComputer : W.OpenOnPhone);
}

/** Wraps one logical line to `cols`, breaking at spaces where it can, hard otherwise. */
export function wrapLine(line: string, cols: i32, out: Array<string>): void {
  if (cols <= 0) return;
  // The spaces at a break belong to neither line.
  let start = 0;
  const n = line.length;
  while (n - start > cols) {
    let cut = line.lastIndexOf(" ", start + cols);
    if (cut <= start) cut = start + cols;
    let end = cut;
    while (end > start && line.charCodeAt(end - 1) == 0x20) end--;
    out.push(line.substring(start, end));
    start = cut;
    while (start < n && line.charCodeAt(start) == 0x20) start++;
  }
  out.push(line.substring(start));
}

/** Wraps a text that may hold line breaks: each of its lines on its own, an empty line kept empty. */
export function wrapText(text: string, cols: i32, out: Array<string>): void {
  const parts = splitLines(text);
  for (let i = 0; i < parts.length; i++) wrapLine(parts[i], cols, out);
}

/**
 * An answer's text for a screen: line breaks kept (CR LF and CR become LF),
 * every other control character dropped, at most `max` characters, "..."
 * when cut. Answers such as a day's schedule are one entry per line.
 */
export function screenText(s: string, max: i32): string {
  const parts = new Array<string>();
  let n = 0;
  let i = 0;
  for (; i < s.length && n < max; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x0d) {
      if (i + 1 < s.length && s.charCodeAt(i + 1) == 0x0a) continue;
      parts.push("\n");
    } else if (c == 0x0a) {
      parts.push("\n");
    } else if (c == 0x09) {
      parts.push(" ");
    } else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
      continue;
    } else {
      parts.push(String.fromCharCode(c));
    }
    n++;
  }
  let out = parts.join("");
  if (i < s.length) out += "...";
  return out;
}

/** Lays out logical lines on a cols×rows screen; the last line (status) is always kept. Line breaks inside a line are kept. */
export function layout(lines: Array<string>, cols: i32, rows: i32): string {
  if (cols <= 0 || rows <= 0) return "";
  const wrapped = new Array<string>();
  for (let i = 0; i < lines.length - 1; i++) wrapText(lines[i], cols, wrapped);
  const status = new Array<string>();
  if (lines.length > 0) wrapText(lines[lines.length - 1], cols, status);
  const room = rows - min(status.length, rows);
  if (wrapped.length > room) wrapped.length = room;
  for (let i = 0; i < status.length && wrapped.length < rows; i++) wrapped.push(status[i]);
  return joinAll(wrapped, "\n");
}
