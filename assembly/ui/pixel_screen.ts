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
// Text never leaves the display: ui/column.ts fits each column.
//
// On a linking screen (userCode != "") the labels are the screen's own,
// `lines` are extra notes (e.g. why the device is retrying) shown when
// there is room. On any other screen the title, the lines and the status
// are shown, wrapped.

import { Canvas, FORMAT_RGB565, BLACK, WHITE, MIN_QUIET_MODULES, textWidth } from "./canvas";
import { DisplayList, bandCount, frameHash } from "./display_list";
import { CELL_HEIGHT, CELL_WIDTH } from "./font";
import { ScreenModel, modelKey, sameModel } from "./model";
import { openLabel } from "./text_screen";
import { W, words } from "./words";
import { Ecl, QrCode, encodeQr } from "../qr/qr";
import { encodeUtf8 } from "../net/utf8";

/**
 * Receives one band: a w × h rectangle at (x, y) of pixels in the
 * display's format, row after row (the signature of board.displayBlit).
 */
export type BlitFn = (x: i32, y: i32, w: i32, h: i32, pixels: Uint8Array) => i32;

export { BAND_MAX_BYTES, BAND_MAX_ROWS, bandRowsFor } from "./display_list";
export { ROLE_TITLE, ROLE_LABEL, ROLE_URL, ROLE_CODE, ROLE_COUNTDOWN, ROLE_STATUS, ROLE_LINE, ELLIPSIS, fitLine, wrapAt } from "./column";
import { ROLE_TITLE, ROLE_LABEL, ROLE_URL, ROLE_CODE, ROLE_COUNTDOWN, ROLE_STATUS, ROLE_LINE, fitLine } from "./column";
import { Block, Wrap, DROP_TITLE, DROP_LABEL, DROP_NOTE, DROP_COUNTDOWN, DROP_STATUS } from "./column";
import { fitColumn, setGaps, columns, columnHeight, addEllipsis } from "./column";

/** A display at least this large gets the large layout. */
export const LARGE_MIN_WIDTH: i32 = 192;
export const LARGE_MIN_HEIGHT: i32 = 128;


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
      if (this.large) blocks.push(new Block(ROLE_LABEL, words(W.AndEnterTheCode), c.label, 2, Wrap.Words, DROP_LABEL, false, true, 2));
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
      const bytes = encodeUtf8(text, false);
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
      if (b.cut) addEllipsis(b.lines, columns(width, b.scale));
      cy = this.drawLines(b.lines, x, cy, b.scale, b.color, b.role, limit);
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
