// Screens for boards with a pixel display: lays a ScreenModel out on a
// display of any size in the board's pixel format (boards/ABI.md,
// display_blit). Pure: it draws into memory and hands each changed band to
// the blit function it is given.
//
// Band rendering (as LVGL's partial buffers): the layout records its
// drawing calls in a display list, which is replayed into a strip of a few
// rows for each band of the display in turn. Each band's pixels are
// hashed; only a band whose hash differs from the last frame's is handed
// on. The module holds one strip, never the whole frame; the board (the
// simulator's host) keeps the full frame. A screen built without a band
// height holds the whole frame as one band (unit tests read its pixels).
//
// The layout is chosen from the size, never from a board name:
//
// Large displays (at least 192 × 128, e.g. a TV's 480 × 272):
//
//   +--------------------------------------------------+
//   | Link your account                   (title bar)  |
//   |  On your phone, open:              +-----------+  |
//   |  http://login.example.com/         |  QR code  |  |
//   |  device                            |  of the   |  |
//   |  and enter the code:               | complete  |  |
//   |  WDJB-MJHT             (large)     |   URI     |  |
//   |  Code expires in 9 min             +-----------+  |
//   | Waiting for approval               (status bar)  |
//   +--------------------------------------------------+
//
// Small displays (e.g. a 128 × 64 OLED): the QR code on the left edge at
// whole pixels per module, and the URL, the code, the countdown and the
// status in the 6 × 8 font in the column to its right.
//
// RFC 8628 §3.3.1: the QR code of verification_uri_complete is an extra,
// never a replacement. So a QR code is drawn only when the URL and the
// user code fit in full next to it; otherwise the QR code is left out and
// the text gets the whole display. The QR code is error-correction level M
// when M fits the space, else level L, with a quiet zone of 4 modules
// (ISO/IEC 18004 §6.3.8) drawn light, so it scans on a mono display too.
//
// Text never leaves the display: every block is wrapped to its column and
// shrunk from its largest scale towards 1 until the column holds it; then
// the least needed blocks are left out (title, labels, notes, countdown,
// status, in that order); what still does not fit is cut with "...". The
// user code is never cut.
//
// On a linking screen (userCode != "") the labels are the screen's own,
// `lines` are extra notes (e.g. why the device is retrying) shown when
// there is room. On any other screen the title, the lines and the status
// are shown, wrapped.

import { Canvas, FORMAT_RGB565, BLACK, WHITE, MIN_QUIET_MODULES, textWidth } from "./canvas";
import { DisplayList } from "./display_list";
import { CELL_HEIGHT, CELL_WIDTH } from "./font";
import { ScreenModel } from "./model";
import { openLabel, wrapLine } from "./text_screen";
import { Ecl, QrCode, encodeQr } from "../qr/qr";

/**
 * Receives one band: a w × h rectangle at (x, y) of pixels in the
 * display's format, row after row (the signature of board.displayBlit).
 */
export type BlitFn = (x: i32, y: i32, w: i32, h: i32, pixels: Uint8Array) => i32;

/** The largest strip the firmware keeps for band rendering. */
export const BAND_MAX_BYTES: i32 = 8192;
/** The most rows a band has, however narrow the display. */
export const BAND_MAX_ROWS: i32 = 16;

/**
 * Rows per band for a display `width` pixels wide: as many as fit
 * BAND_MAX_BYTES, at most BAND_MAX_ROWS, at least 1 (a TV's 480 × 272
 * RGB565 gets 8 rows, 7,680 bytes; a 128 × 64 mono OLED 16 rows, 2,048).
 */
export function bandRowsFor(width: i32, format: i32): i32 {
  const rowBytes = max(width, 1) * (format == FORMAT_RGB565 ? 2 : 1);
  return min(max(BAND_MAX_BYTES / rowBytes, 1), BAND_MAX_ROWS);
}

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

/** A display at least this large gets the large layout. */
export const LARGE_MIN_WIDTH: i32 = 192;
export const LARGE_MIN_HEIGHT: i32 = 128;

const LABEL_CODE = "and enter the code:";

const enum Wrap {
  Words,
  Url,
  Code,
}

// Which blocks go first when the column is too short. 0 = never left out.
const DROP_TITLE: i32 = 5;
const DROP_LABEL: i32 = 4;
const DROP_NOTE: i32 = 3;
const DROP_COUNTDOWN: i32 = 2;
const DROP_STATUS: i32 = 1;

/** One line of text as drawn: its box on the display and its role. */
export class DrawnText {
  constructor(
    public x: i32,
    public y: i32,
    public w: i32,
    public h: i32,
    public text: string,
    public role: i32,
    /** Pixels per font pixel. */
    public scale: i32,
  ) {}
}

class Colors {
  constructor(
    public background: u32,
    public bar: u32,
    public barText: u32,
    public text: u32,
    public label: u32,
    public url: u32,
    public code: u32,
    public dim: u32,
  ) {}
}

// RGB565: light text on a dark blue ground; the code stands out in amber.
const COLOR_SCREEN = new Colors(0x0b1526, 0x1d3b6e, WHITE, WHITE, 0x9fb0c8, 0x8fd3ff, 0xffd24a, 0xc8d0dc);
// Mono: an OLED lights what is drawn; every text is lit, the ground dark.
const MONO_SCREEN = new Colors(BLACK, BLACK, WHITE, WHITE, WHITE, WHITE, WHITE, WHITE);

/** A piece of text the layout places in a column. */
class Block {
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

export class PixelScreen {
  readonly width: i32;
  readonly height: i32;
  /** 1 mono, 2 RGB565 (boards/ABI.md DISPLAY_FORMAT). */
  readonly format: i32;
  /** Rows per band; the height when the screen holds the whole frame. */
  readonly bandRows: i32;
  private readonly canvas: Canvas;
  private readonly frame: Uint8Array;
  private readonly list: DisplayList = new DisplayList();
  private bandHashes: StaticArray<u64>;
  private readonly colors: Colors;
  private readonly large: bool;

  /** Every line drawn by the last render, in drawing order. */
  texts: Array<DrawnText> = [];
  /** The QR code drawn by the last render: its box (quiet zone included), or qrSide 0 when none. */
  qrX: i32 = 0;
  qrY: i32 = 0;
  qrSide: i32 = 0;
  qrModulePx: i32 = 0;
  /** Version 1–10 of the drawn symbol, 0 when none. */
  qrVersion: i32 = 0;
  /** Level of the drawn symbol; meaningful when qrVersion > 0. */
  qrEcl: Ecl = Ecl.M;

  private rendered: bool = false;
  private seen: Array<string> = [];
  private qrFor: string = "";
  private qrM: QrCode | null = null;
  private qrL: QrCode | null = null;

  /**
   * `bandRows` ≤ 0 (the default) keeps the whole frame as one band; the
   * firmware passes bandRowsFor(width, format).
   */
  constructor(width: i32, height: i32, format: i32, bandRows: i32 = 0) {
    const canvas = new Canvas(width, height, format, bandRows);
    this.canvas = canvas;
    // A view of the canvas's own buffer (an ArrayBuffer's reference is its
    // data address): the frame is not copied.
    this.frame = Uint8Array.wrap(changetype<ArrayBuffer>(canvas.dataPtr), 0, canvas.byteLength);
    this.colors = canvas.format == FORMAT_RGB565 ? COLOR_SCREEN : MONO_SCREEN;
    this.width = canvas.width;
    this.height = canvas.height;
    this.format = canvas.format;
    this.large = canvas.width >= LARGE_MIN_WIDTH && canvas.height >= LARGE_MIN_HEIGHT;
    this.bandRows = canvas.rows;
    this.bandHashes = new StaticArray<u64>(bandCount(canvas.height, canvas.rows));
  }

  /**
   * The strip: the band last drawn, width · bandRows pixels, row after row,
   * in the board's format. The whole frame when there is one band.
   */
  get pixels(): Uint8Array {
    return this.frame;
  }

  /** Bands per frame. */
  get bands(): i32 {
    return this.bandHashes.length;
  }

  /** Bytes per pixel: 1 mono, 2 RGB565. */
  get bytesPerPixel(): i32 {
    return this.format == FORMAT_RGB565 ? 2 : 1;
  }

  /**
   * The stored value of one pixel (0/1 mono, the RGB565 word), −1 outside
   * the display or the band last drawn.
   */
  pixel(x: i32, y: i32): i32 {
    return this.canvas.pixel(x, y);
  }

  /** Whether this display gets the large layout (title and status bars, big code). */
  get isLarge(): bool {
    return this.large;
  }

  /**
   * Draws the model band by band and hands every band whose pixels differ
   * from the last frame's to `blit` (every band on the first call). Returns
   * whether any band changed; an unchanged model is not drawn again.
   */
  render(m: ScreenModel, blit: BlitFn | null = null): bool {
    // Compared in place: an unchanged model (most entries) allocates nothing.
    if (this.rendered && sameModel(m, this.seen)) return false;
    this.seen = modelKey(m);
    this.list.reset();
    this.draw(m);
    const c = this.canvas;
    const rows = c.rows;
    let changed = false;
    for (let band = 0; band < this.bandHashes.length; band++) {
      c.setTop(band * rows);
      this.list.replay(c);
      const hash = frameHash(c.dataPtr, c.byteLength);
      if (this.rendered && hash == this.bandHashes[band]) continue;
      this.bandHashes[band] = hash;
      changed = true;
      if (blit !== null && c.width > 0 && rows > 0) blit(0, c.top, c.width, rows, this.frame);
    }
    this.rendered = true;
    // Nothing the frame needs is kept but the QR codes (cached by text).
    this.list.reset();
    return changed;
  }

  // ---- layout ---------------------------------------------------------------

  private draw(m: ScreenModel): void {
    const c = this.colors;
    this.texts = [];
    this.qrSide = 0;
    this.qrModulePx = 0;
    this.qrVersion = 0;
    this.list.fillRect(0, 0, this.width, this.height, c.background);
    if (this.width == 0 || this.height == 0) return;

    let top = 0;
    let bottom = this.height;
    const margin = this.large ? 8 : 1;
    const gap = this.large ? 6 : 0;
    const blocks = new Array<Block>();

    if (this.large) {
      if (m.title.length > 0) top = this.drawBar(m.title, 0, false, ROLE_TITLE);
      if (m.status.length > 0) bottom = this.drawBar(m.status, this.height, true, ROLE_STATUS);
      top += margin;
      bottom -= margin;
    } else if (m.title.length > 0) {
      blocks.push(new Block(ROLE_TITLE, m.title, c.text, 1, Wrap.Words, DROP_TITLE, true, false, 2));
    }

    const linking = m.userCode.length > 0;
    if (linking) {
      const big = this.large ? 1 : 0;
      if (m.verificationUri.length > 0) {
        if (this.large) blocks.push(new Block(ROLE_LABEL, openLabel(m.verificationUri), c.label, 2, Wrap.Words, DROP_LABEL, false, true, 2));
        blocks.push(new Block(ROLE_URL, m.verificationUri, c.url, 1 + big, Wrap.Url, 0, true, false, 1));
      }
      if (this.large) blocks.push(new Block(ROLE_LABEL, LABEL_CODE, c.label, 2, Wrap.Words, DROP_LABEL, false, true, 2));
      blocks.push(new Block(ROLE_CODE, m.userCode, c.code, this.large ? 5 : 2, Wrap.Code, 0, false, true, 0));
      if (m.countdown.length > 0) {
        blocks.push(new Block(ROLE_COUNTDOWN, m.countdown, c.text, 1 + big, Wrap.Words, DROP_COUNTDOWN, true, false, 2));
      }
      for (let i = 0; i < m.lines.length; i++) {
        if (m.lines[i].length == 0) continue;
        blocks.push(new Block(ROLE_LINE, m.lines[i], c.dim, 1, Wrap.Words, DROP_NOTE, true, false, 2));
      }
    } else {
      for (let i = 0; i < m.lines.length; i++) {
        if (m.lines[i].length == 0) continue;
        blocks.push(new Block(ROLE_LINE, m.lines[i], c.text, this.large ? 2 : 1, Wrap.Words, 0, true, false, 1));
      }
      if (m.countdown.length > 0) {
        blocks.push(new Block(ROLE_COUNTDOWN, m.countdown, c.dim, 1, Wrap.Words, DROP_COUNTDOWN, true, true, 2));
      }
    }
    if (!this.large && m.status.length > 0) {
      blocks.push(new Block(ROLE_STATUS, m.status, c.text, 1, Wrap.Words, DROP_STATUS, true, false, 1));
    }
    setGaps(blocks, gap);

    const left = margin;
    const width = this.width - 2 * margin;
    const height = bottom - top;
    if (width <= 0 || height <= 0) return;

    if (linking && m.qrText.length > 0 && this.layoutWithQr(m.qrText, blocks, left, top, width, height)) return;
    fitColumn(blocks, width, height, 1, true);
    this.drawColumn(blocks, left, top, width, height);
  }

  /**
   * Tries the QR code at level M, then L, each from the largest whole module
   * size down to 1 pixel, beside a column that must hold the URL and code in
   * full. Draws and returns true on the first that fits.
   */
  private layoutWithQr(text: string, blocks: Array<Block>, left: i32, top: i32, width: i32, height: i32): bool {
    if (text != this.qrFor) {
      this.qrFor = text;
      const bytes = Uint8Array.wrap(String.UTF8.encode(text));
      this.qrM = encodeQr(bytes, Ecl.M);
      this.qrL = encodeQr(bytes, Ecl.L);
    }
    const columnGap = this.large ? 12 : 2;
    // On a large display the QR code takes at most 55 % of the width, so
    // the text keeps a useful column; on a small one the text decides.
    const limit = this.large ? min((width * 11) / 20, height) : min(this.width, this.height);
    for (let pass = 0; pass < 2; pass++) {
      const qr = pass == 0 ? this.qrM : this.qrL;
      if (qr === null) continue;
      const modules = qr.size + 2 * MIN_QUIET_MODULES;
      for (let px = limit / modules; px >= 1; px--) {
        const side = modules * px;
        let qx: i32, qy: i32, textLeft: i32, textWidth: i32;
        if (this.large) {
          qx = left + width - side;
          qy = top + (height - side) / 2;
          textLeft = left;
          textWidth = width - side - columnGap;
        } else {
          // Flush with the left edge: the quiet zone is part of the symbol.
          qx = 0;
          qy = (this.height - side) / 2;
          textLeft = side + columnGap;
          textWidth = this.width - textLeft - 1;
        }
        if (textWidth < CELL_WIDTH) continue;
        // Title, labels and notes may go to make room; never the URL,
        // code, countdown or status, and nothing is cut.
        if (!fitColumn(blocks, textWidth, height, DROP_NOTE, false)) continue;
        this.list.drawQr(qr, qx, qy, px, MIN_QUIET_MODULES);
        this.qrX = qx;
        this.qrY = qy;
        this.qrSide = side;
        this.qrModulePx = px;
        this.qrVersion = qr.version;
        this.qrEcl = qr.ecl;
        this.drawColumn(blocks, textLeft, top, textWidth, height);
        return true;
      }
    }
    return false;
  }

  /**
   * A one-line bar across the display with `text` in it, at the top (`y` 0)
   * or ending at `y` (`fromBottom`). Returns the bar's other edge.
   */
  private drawBar(text: string, y: i32, fromBottom: bool, role: i32): i32 {
    const c = this.colors;
    const pad = 4;
    const margin = 8;
    const room = this.width - 2 * margin;
    let scale = 2;
    if (textWidth(text, scale) > room) scale = 1;
    const lines = new Array<string>();
    lines.push(fitLine(text, columns(room, scale)));
    const h = CELL_HEIGHT * scale + 2 * pad;
    const barTop = fromBottom ? y - h : y;
    this.list.fillRect(0, barTop, this.width, h, c.bar);
    this.drawLines(lines, margin, barTop + pad, scale, c.barText, role, barTop + h);
    return fromBottom ? barTop : barTop + h;
  }

  /**
   * Draws the shown blocks top down: centred in the column on a large
   * display; on a small one from the top, with the status on the bottom row.
   */
  private drawColumn(blocks: Array<Block>, x: i32, y: i32, width: i32, height: i32): void {
    const limit = y + height;
    let cy = y;
    if (this.large) cy += max(height - columnHeight(blocks), 0) / 2;
    let first = true;
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i];
      if (!b.shown || b.lines.length == 0) continue;
      if (!first) cy += b.gapAbove;
      first = false;
      const blockHeight = b.lines.length * CELL_HEIGHT * b.scale;
      if (b.role == ROLE_STATUS && i == blocks.length - 1) cy = max(cy, limit - blockHeight);
      const lines = b.cut ? withEllipsis(b.lines, columns(width, b.scale)) : b.lines;
      cy = this.drawLines(lines, x, cy, b.scale, b.color, b.role, limit);
    }
  }

  /** Draws whole lines while they fit above `limit`; returns the next line's y. */
  private drawLines(lines: Array<string>, x: i32, y: i32, scale: i32, color: u32, role: i32, limit: i32): i32 {
    const rowHeight = CELL_HEIGHT * scale;
    let cy = y;
    for (let i = 0; i < lines.length; i++) {
      if (cy + rowHeight > limit) break;
      const w = this.list.drawText(x, cy, lines[i], color, scale);
      this.texts.push(new DrawnText(x, cy, w, rowHeight, lines[i], role, scale));
      cy += rowHeight;
    }
    return cy;
  }
}

// ---- fitting ------------------------------------------------------------------

/** Gaps between blocks: a value sits close under its label. */
function setGaps(blocks: Array<Block>, gap: i32): void {
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
function fitColumn(blocks: Array<Block>, width: i32, height: i32, dropFloor: i32, allowCut: bool): bool {
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

function columnHeight(blocks: Array<Block>): i32 {
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
function columns(width: i32, scale: i32): i32 {
  return max(width, 0) / (CELL_WIDTH * max(scale, 1));
}

function wrapBlock(b: Block, width: i32): Array<string> {
  const cols = columns(width, b.scale);
  const out = new Array<string>();
  if (cols <= 0) return out;
  if (b.wrap == Wrap.Words) {
    const paragraphs = b.text.split("\n");
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

/** The lines with "..." at the end of the last one, still within `cols`. */
function withEllipsis(lines: Array<string>, cols: i32): Array<string> {
  const out = lines.slice(0);
  if (out.length == 0) return out;
  const n = out.length - 1;
  const last = out[n];
  if (cols <= ELLIPSIS.length) out[n] = ELLIPSIS.substring(0, max(cols, 0));
  else out[n] = last.substring(0, min(last.length, cols - ELLIPSIS.length)) + ELLIPSIS;
  return out;
}

// ---- change detection -----------------------------------------------------------

function modelKey(m: ScreenModel): Array<string> {
  const k = new Array<string>();
  k.push(m.title);
  k.push(m.verificationUri);
  k.push(m.userCode);
  k.push(m.qrText);
  k.push(m.countdown);
  k.push(m.status);
  for (let i = 0; i < m.lines.length; i++) k.push(m.lines[i]);
  return k;
}

/** Bands of `rows` rows that cover `height` rows (the last may overlap the one before). */
function bandCount(height: i32, rows: i32): i32 {
  if (rows <= 0) return 1;
  return max((height + rows - 1) / rows, 1);
}

/** Whether `m` is the model whose modelKey is `key`. */
function sameModel(m: ScreenModel, key: Array<string>): bool {
  if (key.length != 6 + m.lines.length) return false;
  if (m.title != key[0] || m.verificationUri != key[1] || m.userCode != key[2]) return false;
  if (m.qrText != key[3] || m.countdown != key[4] || m.status != key[5]) return false;
  for (let i = 0; i < m.lines.length; i++) if (m.lines[i] != key[6 + i]) return false;
  return true;
}

/** A 64-bit hash of the frame (FNV-1a style over 8-byte words, then the tail). */
function frameHash(ptr: usize, len: i32): u64 {
  let h: u64 = 0xcbf29ce484222325;
  const prime: u64 = 0x100000001b3;
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    h = (h ^ load<u64>(ptr + <usize>i)) * prime;
    h ^= h >> 29;
  }
  for (; i < len; i++) h = (h ^ <u64>load<u8>(ptr + <usize>i)) * prime;
  return h ^ (<u64>len << 32);
}
