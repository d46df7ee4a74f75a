// The host side of a pixel display: the frame the firmware blits
// (boards/ABI.md, display_blit), shown as a PNG or as half-block characters
// in a terminal.
//
// Pixel formats as on the wire: mono is one byte per pixel, 0 dark and
// anything else lit; RGB565 is two bytes per pixel, low byte first.
// A PNG shows mono as an OLED looks: lit pixels white on black. The
// firmware draws a QR code as dark modules in a lit quiet zone, so the
// picture scans as it is.
// @ts-ignore -- the package ships no type declarations
import { PNG } from "pngjs";

export type PixelFormat = "mono" | "rgb565";

export interface TerminalOptions {
  /** 24-bit colour escapes; otherwise only ' ', '▀', '▄', '█'. */
  color: boolean;
  /** Widest the picture may be, in terminal columns; the frame is scaled down to fit. */
  maxCols?: number;
}

const ESC = "\x1b[";

export class Framebuffer {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  readonly bytesPerPixel: number;
  /** The frame, row after row, in the display's format. */
  readonly data: Uint8Array;
  /** Bumped by every blit that changed a pixel. */
  version = 0;

  constructor(width: number, height: number, format: PixelFormat | number) {
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
      throw new Error(`framebuffer: bad size ${width}x${height}`);
    }
    this.width = width;
    this.height = height;
    this.format = format === "rgb565" || format === 2 ? "rgb565" : "mono";
    this.bytesPerPixel = this.format === "rgb565" ? 2 : 1;
    this.data = new Uint8Array(width * height * this.bytesPerPixel);
  }

  /**
   * Copies a w×h rectangle of pixels (bytes per pixel `bpp`) to (x, y).
   * Returns whether any pixel changed. A rectangle outside the frame or a
   * short buffer is refused with an error (the runtime checks first).
   */
  blit(x: number, y: number, w: number, h: number, px: Uint8Array, bpp: number = this.bytesPerPixel): boolean {
    if (bpp !== this.bytesPerPixel) throw new Error(`framebuffer: ${bpp} bytes per pixel on a ${this.format} display`);
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > this.width || y + h > this.height) {
      throw new Error(`framebuffer: rectangle ${x},${y} ${w}x${h} outside ${this.width}x${this.height}`);
    }
    const rowBytes = w * bpp;
    if (px.length < rowBytes * h) throw new Error(`framebuffer: ${px.length} bytes for ${w}x${h}`);
    let changed = false;
    for (let row = 0; row < h; row++) {
      const src = px.subarray(row * rowBytes, (row + 1) * rowBytes);
      const at = ((y + row) * this.width + x) * bpp;
      if (!changed) {
        for (let i = 0; i < rowBytes; i++) {
          if (this.data[at + i] !== src[i]) {
            changed = true;
            break;
          }
        }
      }
      this.data.set(src, at);
    }
    if (changed) this.version++;
    return changed;
  }

  /** The colour of one pixel as [r, g, b], 0–255 each (mono: lit white, dark black). */
  rgb(x: number, y: number): [number, number, number] {
    const i = y * this.width + x;
    if (this.format === "mono") {
      const v = this.data[i] ? 255 : 0;
      return [v, v, v];
    }
    const word = this.data[i * 2] | (this.data[i * 2 + 1] << 8);
    const r = (word >> 11) & 0x1f;
    const g = (word >> 5) & 0x3f;
    const b = word & 0x1f;
    // Scale to 8 bits by repeating the high bits, so full scale is 255.
    return [(r << 3) | (r >> 2), (g << 2) | (g >> 4), (b << 3) | (b >> 2)];
  }

  /** Whether a pixel is lit (mono) or light (RGB565: luma over half). */
  light(x: number, y: number): boolean {
    const [r, g, b] = this.rgb(x, y);
    return 299 * r + 587 * g + 114 * b > 127500;
  }

  /** The frame as a PNG, each pixel a `scale`×`scale` square (RGB, 8 bits a channel). */
  toPng(scale = 1): Buffer {
    const s = Math.max(1, Math.floor(scale));
    const w = this.width * s;
    const h = this.height * s;
    const png = new PNG({ width: w, height: h, colorType: 2, inputColorType: 6, inputHasAlpha: true });
    const out = png.data;
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const [r, g, b] = this.rgb(x, y);
        for (let dy = 0; dy < s; dy++) {
          let at = ((y * s + dy) * w + x * s) * 4;
          for (let dx = 0; dx < s; dx++) {
            out[at] = r;
            out[at + 1] = g;
            out[at + 2] = b;
            out[at + 3] = 255;
            at += 4;
          }
        }
      }
    }
    return PNG.sync.write(png, { colorType: 2, inputColorType: 6, inputHasAlpha: true });
  }

  /**
   * The frame as terminal lines, two pixel rows per character row with the
   * upper half block: with colour, foreground the top pixel and background
   * the bottom one; without, ' ', '▀', '▄', '█' for light pixels. A frame
   * wider than `maxCols` is scaled down by a whole factor, each cell the
   * average of the pixels it covers.
   */
  toTerminal(opts: TerminalOptions): string[] {
    const maxCols = Math.max(1, Math.floor(opts.maxCols ?? this.width));
    const f = Math.max(1, Math.ceil(this.width / maxCols));
    const cols = Math.ceil(this.width / f);
    const rows = Math.ceil(this.height / f);
    const cell = (cx: number, cy: number): [number, number, number] | null => {
      if (cy >= rows) return null;
      let r = 0, g = 0, b = 0, n = 0;
      for (let y = cy * f; y < Math.min((cy + 1) * f, this.height); y++) {
        for (let x = cx * f; x < Math.min((cx + 1) * f, this.width); x++) {
          const c = this.rgb(x, y);
          r += c[0];
          g += c[1];
          b += c[2];
          n++;
        }
      }
      return [Math.round(r / n), Math.round(g / n), Math.round(b / n)];
    };
    const isLight = (c: [number, number, number] | null) => c !== null && 299 * c[0] + 587 * c[1] + 114 * c[2] > 127500;
    const lines: string[] = [];
    for (let cy = 0; cy < rows; cy += 2) {
      let line = "";
      let last = "";
      for (let cx = 0; cx < cols; cx++) {
        const top = cell(cx, cy)!;
        const bottom = cell(cx, cy + 1);
        if (opts.color) {
          const bot = bottom ?? [0, 0, 0];
          const sgr = `${ESC}38;2;${top[0]};${top[1]};${top[2]};48;2;${bot[0]};${bot[1]};${bot[2]}m`;
          if (sgr !== last) line += sgr;
          last = sgr;
          line += "▀";
        } else {
          const t = isLight(top);
          const b = isLight(bottom);
          line += t && b ? "█" : t ? "▀" : b ? "▄" : " ";
        }
      }
      if (opts.color) line += `${ESC}0m`;
      lines.push(line);
    }
    return lines;
  }
}
