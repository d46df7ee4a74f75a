// Pixels in the firmware's own memory: a window of `rows` whole rows
// (a band, as LVGL's partial buffers) of a width × height display, or the
// whole display when rows is the height. Drawing uses display coordinates;
// what falls outside the window is clipped, so replaying the same calls
// for each band position yields, band by band, exactly the full frame.
// The board copies the window to the display from (dataPtr, byteLength);
// nothing here does I/O.
//
// Every drawing call clips to the canvas: any coordinates and sizes,
// negative or near the i32 limits, draw what falls inside and never write
// outside the buffer.

import { QrCode } from "../qr/qr";
import { CELL_WIDTH, GLYPH_HEIGHT, GLYPH_WIDTH, glyphRow } from "./font";

/** One byte per pixel, 0 = off, 1 = on. */
export const FORMAT_MONO: i32 = 1;
/** Two bytes per pixel, RGB565 (5 bits red, 6 green, 5 blue), low byte first. */
export const FORMAT_RGB565: i32 = 2;

export const BLACK: u32 = 0x000000;
export const WHITE: u32 = 0xffffff;

/** ISO/IEC 18004 §6.3.8: the light margin around a symbol is at least 4 modules wide. */
export const MIN_QUIET_MODULES: i32 = 4;
/**
 * Upper bound for pixels per module and quiet-zone modules: far beyond any
 * display, and it keeps the symbol's extent well inside i64 arithmetic.
 */
const MAX_QR_SCALE: i32 = 0xffff;

export class Canvas {
  readonly width: i32;
  readonly height: i32;
  /** Rows the buffer holds (the band height); the height for a full frame. */
  readonly rows: i32;
  /** Display row of the buffer's first row; see setTop. */
  top: i32 = 0;
  /** FORMAT_MONO or FORMAT_RGB565; any other value is taken as mono. */
  readonly format: i32;
  private readonly bytesPerPixel: i32;
  private readonly buffer: Uint8Array;

  /** `rows` ≤ 0 or above the height means the whole frame. */
  constructor(width: i32, height: i32, format: i32, rows: i32 = 0) {
    let w = max(width, 0);
    let h = max(height, 0);
    const r = rows <= 0 || rows > h ? h : rows;
    const bytes = <i64>w * <i64>r * (format == FORMAT_RGB565 ? 2 : 1);
    if (bytes > <i64>i32.MAX_VALUE) {
      // Could never be allocated; an empty canvas draws nothing instead.
      w = 0;
      h = 0;
    }
    const rowsHeld = min(r, h);
    this.rows = rowsHeld;
    const f = format == FORMAT_RGB565 ? FORMAT_RGB565 : FORMAT_MONO;
    this.width = w;
    this.height = h;
    this.format = f;
    const bpp = f == FORMAT_RGB565 ? 2 : 1;
    this.bytesPerPixel = bpp;
    this.buffer = new Uint8Array(w * rowsHeld * bpp);
  }

  /**
   * Moves the window so that its first row is display row `top` (clamped
   * to the display). The buffer keeps its old pixels until drawn over.
   */
  setTop(top: i32): void {
    this.top = min(max(top, 0), max(this.height - this.rows, 0));
  }

  /** Address of the first pixel (row after row, top left first). */
  get dataPtr(): usize {
    return this.buffer.dataStart;
  }

  get byteLength(): i32 {
    return this.buffer.length;
  }

  /**
   * The stored value of one pixel at display coordinates: 0 or 1 on mono,
   * the RGB565 word otherwise; −1 outside the canvas or the window.
   */
  pixel(x: i32, y: i32): i32 {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return -1;
    if (y < this.top || y >= this.top + this.rows) return -1;
    const at = ((y - this.top) * this.width + x) * this.bytesPerPixel;
    if (this.bytesPerPixel == 1) return this.buffer[at];
    return <i32>this.buffer[at] | (<i32>this.buffer[at + 1] << 8);
  }

  clear(color: u32): void {
    this.fill(0, 0, this.width, this.height, color);
  }

  fillRect(x: i32, y: i32, w: i32, h: i32, color: u32): void {
    this.fill(x, y, w, h, color);
  }

  /**
   * Draws `text` with its top-left corner at (x, y), each font pixel a
   * `scale` × `scale` square (scale below 1 counts as 1); only the glyph
   * pixels are painted, the background stays. Returns the advance width
   * (see textWidth).
   */
  drawText(x: i32, y: i32, text: string, color: u32, scale: i32 = 1): i32 {
    const s = <i64>max(scale, 1);
    // Nothing of this line falls inside the window: only the advance.
    if (<i64>y + <i64>GLYPH_HEIGHT * s <= <i64>this.top || <i64>y >= <i64>(this.top + this.rows)) {
      return this.textWidth(text, scale);
    }
    // Only the glyph rows that reach into the window.
    const firstRow = <i32>max<i64>((<i64>this.top - <i64>y) / s, 0);
    const endRow = <i32>min<i64>((<i64>(this.top + this.rows) - <i64>y + s - 1) / s, <i64>GLYPH_HEIGHT);
    let penX = <i64>x;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (isLowSurrogateAfterHigh(text, i)) continue; // one box per code point
      if (penX >= <i64>this.width) break;
      if (penX + <i64>GLYPH_WIDTH * s > 0) {
        for (let row = firstRow; row < endRow; row++) {
          const bits = glyphRow(code, row);
          for (let col = 0; col < GLYPH_WIDTH; col++) {
            if ((bits >> <u32>(GLYPH_WIDTH - 1 - col)) & 1) {
              this.fill(penX + <i64>col * s, <i64>y + <i64>row * s, s, s, color);
            }
          }
        }
      }
      penX += <i64>CELL_WIDTH * s;
    }
    return this.textWidth(text, scale);
  }

  /**
   * Advance width of `text` in pixels: one 6-pixel cell (5 glyph columns
   * plus 1 of spacing) per character, times `scale`; a character outside
   * the BMP (a UTF-16 surrogate pair) counts once. Capped at i32.MAX_VALUE.
   */
  textWidth(text: string, scale: i32 = 1): i32 {
    return textWidth(text, scale);
  }

  /**
   * Side of a drawn symbol in pixels: modules plus a quiet zone of
   * `quietModules` (at least 4) on each side, times `modulePx` (at least
   * 1); both are capped at 65535.
   */
  qrPixelSize(qr: QrCode, modulePx: i32, quietModules: i32 = MIN_QUIET_MODULES): i32 {
    const modules = <i64>qr.size + 2 * <i64>qrQuiet(quietModules);
    return clampI32(modules * <i64>qrModulePx(modulePx));
  }

  /**
   * Draws `qr` with the top-left corner of its quiet zone at (x, y): the
   * whole square white, then the dark modules black, `modulePx` pixels
   * per module. The quiet zone is never narrower than 4 modules, because
   * readers need it to find the symbol.
   */
  drawQr(qr: QrCode, x: i32, y: i32, modulePx: i32, quietModules: i32 = MIN_QUIET_MODULES): void {
    const px = <i64>qrModulePx(modulePx);
    const quiet = <i64>qrQuiet(quietModules);
    const side = (<i64>qr.size + 2 * quiet) * px;
    this.fill(x, y, side, side, WHITE);
    const left = <i64>x + quiet * px;
    const top = <i64>y + quiet * px;
    // Only the module rows that reach into the window.
    const wTop = <i64>this.top;
    const wBottom = wTop + <i64>this.rows;
    for (let my = 0; my < qr.size; my++) {
      const rowY = top + <i64>my * px;
      if (rowY + px <= wTop) continue;
      if (rowY >= wBottom) break;
      for (let mx = 0; mx < qr.size; mx++) {
        if (qr.getModule(mx, my)) this.fill(left + <i64>mx * px, top + <i64>my * px, px, px, BLACK);
      }
    }
  }

  /** The one place that writes pixels: clips the rectangle, then fills it. */
  private fill(x: i64, y: i64, w: i64, h: i64, color: u32): void {
    if (w <= 0 || h <= 0) return;
    // Clip in i64 and narrow only once the edges are known to lie inside.
    const left = max<i64>(x, 0);
    const top = max<i64>(y, <i64>this.top);
    const right = min<i64>(x + w, <i64>this.width);
    const bottom = min<i64>(y + h, <i64>(this.top + this.rows));
    if (left >= right || top >= bottom) return;
    // Buffer rows from here on.
    const x0 = <i32>left;
    const y0 = <i32>top - this.top;
    const x1 = <i32>right;
    const y1 = <i32>bottom - this.top;
    const value = this.encode(color);
    if (this.bytesPerPixel == 1) {
      for (let row = y0; row < y1; row++) {
        this.buffer.fill(<u8>value, row * this.width + x0, row * this.width + x1);
      }
      return;
    }
    // RGB565, low byte first: one little-endian 16-bit store per pixel
    // (wasm memory is little-endian), inside the clipped rectangle.
    const base = this.buffer.dataStart;
    const pixel = <u16>value;
    for (let row = y0; row < y1; row++) {
      let at = base + ((<usize>(row * this.width + x0)) << 1);
      const end = at + ((<usize>(x1 - x0)) << 1);
      while (at < end) {
        store<u16>(at, pixel);
        at += 2;
      }
    }
  }

  /** 0xRRGGBB to the stored pixel value of this canvas's format. */
  private encode(color: u32): u32 {
    const r = (color >> 16) & 0xff;
    const g = (color >> 8) & 0xff;
    const b = color & 0xff;
    if (this.bytesPerPixel == 1) {
      // On when the luma (ITU-R BT.601 weights 0.299, 0.587, 0.114) is
      // above half of full scale: 1000 · 127.5 = 127500.
      return 299 * r + 587 * g + 114 * b > 127500 ? 1 : 0;
    }
    return ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3);
  }
}

/**
 * Advance width of `text` in pixels: one 6-pixel cell (5 glyph columns
 * plus 1 of spacing) per character, times `scale`; a character outside
 * the BMP (a UTF-16 surrogate pair) counts once. Capped at i32.MAX_VALUE.
 */
export function textWidth(text: string, scale: i32 = 1): i32 {
  let chars: i64 = 0;
  for (let i = 0; i < text.length; i++) {
    if (!isLowSurrogateAfterHigh(text, i)) chars++;
  }
  return clampI32(chars * <i64>CELL_WIDTH * <i64>max(scale, 1));
}

/** Whether position i is the second half of a UTF-16 surrogate pair. */
function isLowSurrogateAfterHigh(text: string, i: i32): bool {
  if (i == 0) return false;
  const c = text.charCodeAt(i);
  const prev = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && prev >= 0xd800 && prev <= 0xdbff;
}

function qrModulePx(modulePx: i32): i32 {
  return min(max(modulePx, 1), MAX_QR_SCALE);
}

function qrQuiet(quietModules: i32): i32 {
  return min(max(quietModules, MIN_QUIET_MODULES), MAX_QR_SCALE);
}

function clampI32(v: i64): i32 {
  return v > <i64>i32.MAX_VALUE ? i32.MAX_VALUE : <i32>v;
}
