// The drawing calls of one frame, kept so that they can be replayed into
// each band of the display in turn (band rendering, as LVGL's partial
// buffers): the module never holds the whole frame, only one band.
//
// Recording stores the arguments, nothing is drawn; replay(canvas) draws
// every call into the canvas's current window, where the canvas clips to
// the band. Op objects are reused from frame to frame, so recording a
// frame that has no more calls than the last one allocates nothing.

import { Canvas, FORMAT_RGB565, textWidth } from "./canvas";
import { QrCode } from "../qr/qr";

const OP_FILL: u8 = 0;
const OP_TEXT: u8 = 1;
const OP_QR: u8 = 2;

class Op {
  kind: u8 = OP_FILL;
  x: i32 = 0;
  y: i32 = 0;
  /** Fill: width. QR: pixels per module. */
  w: i32 = 0;
  /** Fill: height. QR: quiet-zone modules. Text: scale. */
  h: i32 = 0;
  color: u32 = 0;
  text: string = "";
  qr: QrCode | null = null;
}

export class DisplayList {
  private ops: Array<Op> = [];
  private count: i32 = 0;

  /** Calls recorded since the last reset. */
  get length(): i32 {
    return this.count;
  }

  /** Forgets the recorded calls (keeps the Op objects for the next frame). */
  reset(): void {
    for (let i = 0; i < this.count; i++) {
      const op = this.ops[i];
      op.text = "";
      op.qr = null;
    }
    this.count = 0;
  }

  fillRect(x: i32, y: i32, w: i32, h: i32, color: u32): void {
    const op = this.next(OP_FILL, x, y, color);
    op.w = w;
    op.h = h;
  }

  /** Records Canvas.drawText; returns the same advance width. */
  drawText(x: i32, y: i32, text: string, color: u32, scale: i32 = 1): i32 {
    const op = this.next(OP_TEXT, x, y, color);
    op.text = text;
    op.h = scale;
    return textWidth(text, scale);
  }

  drawQr(qr: QrCode, x: i32, y: i32, modulePx: i32, quietModules: i32): void {
    const op = this.next(OP_QR, x, y, 0);
    op.qr = qr;
    op.w = modulePx;
    op.h = quietModules;
  }

  /** Draws every recorded call, in order, into the canvas's window. */
  replay(c: Canvas): void {
    for (let i = 0; i < this.count; i++) {
      const op = unchecked(this.ops[i]);
      if (op.kind == OP_FILL) c.fillRect(op.x, op.y, op.w, op.h, op.color);
      else if (op.kind == OP_TEXT) c.drawText(op.x, op.y, op.text, op.color, op.h);
      else c.drawQr(op.qr!, op.x, op.y, op.w, op.h);
    }
  }

  private next(kind: u8, x: i32, y: i32, color: u32): Op {
    if (this.count == this.ops.length) this.ops.push(new Op());
    const op = unchecked(this.ops[this.count++]);
    op.kind = kind;
    op.x = x;
    op.y = y;
    op.color = color;
    return op;
  }
}

/** Bands of `rows` rows that cover `height` rows (the last may overlap the one before). */
export function bandCount(height: i32, rows: i32): i32 {
  if (rows <= 0) return 1;
  return max((height + rows - 1) / rows, 1);
}

/** A 64-bit hash of the frame (FNV-1a style over 8-byte words, then the tail). */
export function frameHash(ptr: usize, len: i32): u64 {
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
