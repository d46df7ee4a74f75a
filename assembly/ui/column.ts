// Fitting a column of text blocks on a pixel screen (ui/pixel_screen.ts
// lays the screen out and draws it). Text never leaves the display: every
// block is wrapped to its column and shrunk from its largest scale towards
// 1 until the column holds it; then the least needed blocks are left out
// (title, labels, notes, countdown, status, in that order); what still does
// not fit is cut with "...". The user code is never cut.
import { CELL_HEIGHT, CELL_WIDTH } from "./font";
import { wrapLine } from "./text_screen";
import { splitLines } from "../text/list";

/** What a drawn text line is, for tests and diagnostics. */
export const ROLE_TITLE: i32 = 1;
export const ROLE_LABEL: i32 = 2;
export const ROLE_URL: i32 = 3;
export const ROLE_CODE: i32 = 4;
export const ROLE_COUNTDOWN: i32 = 5;
export const ROLE_STATUS: i32 = 6;
export const ROLE_LINE: i32 = 7;

/** Appended to a block that had to be cut. */
export const ELLIPSIS = "...";


export const enum Wrap {
  Words,
  Url,
  Code,
}

// Which blocks go first when the column is too short. 0 = never left out.
export const DROP_TITLE: i32 = 5;
export const DROP_LABEL: i32 = 4;
export const DROP_NOTE: i32 = 3;
export const DROP_COUNTDOWN: i32 = 2;
export const DROP_STATUS: i32 = 1;

/** A piece of text the layout places in a column. */
export class Block {
  scale: i32 = 1;
  lines: Array<string> = [];
  shown: bool = true;
  /** Lines were left out; the last shown line ends in "...". */
  cut: bool = false;
  /** Space above the block when it follows another; set by the layout. */
  gapAbove: i32 = 0;

  constructor(
    public role: i32,
    public text: string,
    public color: u32,
    public maxScale: i32,
    public wrap: Wrap,
    /** 0 never left out; higher values are left out first. */
    public dropRank: i32,
    /** May lose lines (with "...") when nothing else helps. */
    public cuttable: bool,
    /** Keep to one line while a smaller scale can do it. */
    public oneLine: bool,
    /** Shrunk after the others: the code last, then the URL. */
    public keepSize: i32,
  ) {}
}

// ---- fitting ------------------------------------------------------------------

/** Gaps between blocks: a value sits close under its label. */
export function setGaps(blocks: Array<Block>, gap: i32): void {
  for (let i = 0; i < blocks.length; i++) {
    const afterLabel = i > 0 && blocks[i - 1].role == ROLE_LABEL;
    blocks[i].gapAbove = afterLabel ? gap / 3 : gap;
  }
}

/**
 * Makes the blocks fit a `width` × `height` column: shrink, then leave out
 * blocks whose drop rank is at least `dropFloor` (highest rank first). When
 * that is not enough and `allowCut`, start again with every block and cut
 * cuttable ones before leaving more out. Returns whether they fit; the
 * blocks keep the last attempt's scales, lines and visibility.
 */
export function fitColumn(blocks: Array<Block>, width: i32, height: i32, dropFloor: i32, allowCut: bool): bool {
  if (fitDropping(blocks, width, height, dropFloor, false)) return true;
  return allowCut && fitDropping(blocks, width, height, dropFloor, true);
}

function fitDropping(blocks: Array<Block>, width: i32, height: i32, dropFloor: i32, withCut: bool): bool {
  let cutoff = i32.MAX_VALUE;
  while (true) {
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i];
      b.shown = b.dropRank == 0 || b.dropRank < cutoff;
      b.cut = false;
    }
    if (shrink(blocks, width, height)) return true;
    if (withCut && cut(blocks, width, height)) return true;
    let next = 0;
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i];
      if (b.shown && b.dropRank >= dropFloor && b.dropRank > next) next = b.dropRank;
    }
    if (next == 0) return false;
    cutoff = next;
  }
}

/** Every shown block at its largest scale, then smaller ones until the column holds them. */
function shrink(blocks: Array<Block>, width: i32, height: i32): bool {
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (!b.shown) continue;
    b.scale = max(b.maxScale, 1);
    if (b.oneLine) {
      while (b.scale > 1 && b.text.length * CELL_WIDTH * b.scale > width) b.scale--;
    }
    b.lines = wrapBlock(b, width);
  }
  while (true) {
    if (columnHeight(blocks) <= height) return true;
    // The largest text shrinks first; on a tie, the one least needed big.
    let pick = -1;
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i];
      if (!b.shown || b.scale <= 1) continue;
      if (pick < 0) {
        pick = i;
        continue;
      }
      const p = blocks[pick];
      if (b.scale > p.scale || (b.scale == p.scale && b.keepSize > p.keepSize)) pick = i;
    }
    if (pick < 0) return false;
    const b = blocks[pick];
    b.scale--;
    b.lines = wrapBlock(b, width);
  }
}

/**
 * Takes lines away, one at a time, from the least needed cuttable block:
 * first the ones that may be left out anyway (title, labels, notes), then
 * the body (URL, lines: down to one line each), then the countdown and the
 * status. A block of the first and last kind goes away when it is down to
 * one line. Returns whether the column then fits.
 */
function cut(blocks: Array<Block>, width: i32, height: i32): bool {
  while (columnHeight(blocks) > height) {
    let pick = -1;
    let best = -1;
    for (let i = blocks.length - 1; i >= 0; i--) {
      const b = blocks[i];
      if (!b.shown || !b.cuttable) continue;
      if (b.lines.length <= 1 && b.dropRank == 0) continue;
      const p = cutOrder(b);
      if (p > best) {
        best = p;
        pick = i;
      }
    }
    if (pick < 0) return false;
    const b = blocks[pick];
    if (b.lines.length > 1) {
      b.lines.pop();
      b.cut = true;
    } else {
      b.shown = false;
    }
  }
  return true;
}

/** Higher is cut first. */
function cutOrder(b: Block): i32 {
  if (b.dropRank >= DROP_NOTE) return 100 + b.dropRank;
  if (b.dropRank == 0) return 50;
  return b.dropRank;
}

export function columnHeight(blocks: Array<Block>): i32 {
  let h = 0;
  let first = true;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (!b.shown || b.lines.length == 0) continue;
    if (!first) h += b.gapAbove;
    first = false;
    h += b.lines.length * CELL_HEIGHT * b.scale;
  }
  return h;
}

/** Characters of the font at `scale` that fit `width` pixels. */
export function columns(width: i32, scale: i32): i32 {
  return max(width, 0) / (CELL_WIDTH * max(scale, 1));
}

export function wrapBlock(b: Block, width: i32): Array<string> {
  const cols = columns(width, b.scale);
  const out = new Array<string>();
  if (cols <= 0) return out;
  if (b.wrap == Wrap.Words) {
    const paragraphs = splitLines(b.text);
    for (let i = 0; i < paragraphs.length; i++) {
      if (paragraphs[i].length > 0) wrapLine(paragraphs[i], cols, out);
    }
  } else {
    wrapAt(b.text, cols, b.wrap == Wrap.Url ? "/:?&=.-_" : "- ", out);
  }
  return out;
}

/**
 * Hard wrap at `cols` characters, moved back to just after one of
 * `breaks` when there is one in the second half of the line.
 */
export function wrapAt(text: string, cols: i32, breaks: string, out: Array<string>): void {
  if (cols <= 0) return;
  let rest = text;
  while (rest.length > cols) {
    let at = cols;
    for (let i = cols - 1; i >= max(cols / 2, 1); i--) {
      if (breaks.indexOf(rest.charAt(i)) >= 0) {
        at = i + 1;
        break;
      }
    }
    out.push(rest.substring(0, at));
    rest = rest.substring(at);
  }
  if (rest.length > 0) out.push(rest);
}

/** One line of at most `cols` characters, ending in "..." when `text` is longer. */
export function fitLine(text: string, cols: i32): string {
  if (text.length <= cols) return text;
  if (cols <= ELLIPSIS.length) return ELLIPSIS.substring(0, max(cols, 0));
  return text.substring(0, cols - ELLIPSIS.length) + ELLIPSIS;
}

/** Puts "..." at the end of the last line, keeping it within `cols` (cut lines say so). */
export function addEllipsis(lines: Array<string>, cols: i32): void {
  const n = lines.length - 1;
  if (n >= 0) lines[n] = fitLine(lines[n] + ELLIPSIS, cols);
}

