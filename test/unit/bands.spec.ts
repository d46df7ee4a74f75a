// Band rendering: the frame the board assembles from the blitted bands is
// byte-for-byte the frame a whole-frame render draws, on every layout, on
// band heights that do and do not divide the display; only changed bands
// are blitted; the strip stays within its budget.
import { test, expect, expectEq, report } from "./harness";
import { PixelScreen, bandRowsFor, BAND_MAX_BYTES, BAND_MAX_ROWS } from "../../assembly/ui/pixel_screen";
import { ScreenModel } from "../../assembly/ui/model";
import { FORMAT_MONO, FORMAT_RGB565 } from "../../assembly/ui/canvas";

// The board side of display_blit: a whole frame assembled from the bands.
let boardFrame = new Uint8Array(0);
let boardWidth = 0;
let boardBpp = 1;
let blits = 0;
let blitRows = 0;
let badBlits = 0;

function boardReset(w: i32, h: i32, bpp: i32): void {
  boardFrame = new Uint8Array(w * h * bpp);
  // Not what any render draws: a band that is never blitted shows up.
  boardFrame.fill(0xa5);
  boardWidth = w;
  boardBpp = bpp;
  blits = 0;
  blitRows = 0;
  badBlits = 0;
}

function boardBlit(x: i32, y: i32, w: i32, h: i32, pixels: Uint8Array): i32 {
  blits++;
  blitRows += h;
  const rowBytes = w * boardBpp;
  if (x != 0 || w != boardWidth || pixels.length != rowBytes * h || (y + h) * rowBytes > boardFrame.length) {
    badBlits++;
    return -1;
  }
  for (let r = 0; r < h; r++) {
    for (let i = 0; i < rowBytes; i++) boardFrame[(y + r) * rowBytes + i] = pixels[r * rowBytes + i];
  }
  return 0;
}

/** Index of the first differing byte, or −1 when equal. */
function firstDiff(a: Uint8Array, b: Uint8Array): i32 {
  if (a.length != b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return i;
  return -1;
}

function linking(code: string, countdown: string): ScreenModel {
  const m = new ScreenModel();
  m.title = "Link your account";
  m.verificationUri = "http://127.0.0.1:41234/device";
  m.userCode = code;
  m.qrText = "http://127.0.0.1:41234/device?user_code=" + code;
  m.countdown = countdown;
  m.status = "Waiting for approval";
  return m;
}

function message(): ScreenModel {
  const m = new ScreenModel();
  m.title = "Linked";
  m.lines = ["You are signed in as someone@example.com.", "Say \"what's on my schedule today\" to try it."];
  m.status = "linked";
  return m;
}

/** Renders `m` whole and banded (rows per band), compares; returns the banded screen. */
function compare(w: i32, h: i32, format: i32, rows: i32, m: ScreenModel, what: string): PixelScreen {
  __collect();
  const bpp = format == FORMAT_RGB565 ? 2 : 1;
  const full = new PixelScreen(w, h, format);
  expect(full.render(m), what + ": whole frame drawn");
  const banded = new PixelScreen(w, h, format, rows);
  boardReset(w, h, bpp);
  expect(banded.render(m, boardBlit), what + ": banded frame drawn");
  expectEq<i32>(badBlits, 0, what + ": every blit is a whole band inside the display");
  expectEq<i32>(blits, banded.bands, what + ": the first frame blits every band");
  expectEq<i32>(firstDiff(boardFrame, full.pixels), -1, what + ": banded frame equals the whole frame (first differing byte)");
  return banded;
}

test("band height: as many rows as fit 8 KiB, at most 16, at least 1", () => {
  expectEq<i32>(bandRowsFor(480, FORMAT_RGB565), 8, "TV 480 × RGB565");
  expectEq<i32>(bandRowsFor(128, FORMAT_MONO), 16, "OLED 128 × mono");
  expectEq<i32>(bandRowsFor(8192, FORMAT_RGB565), 1, "a display wider than the budget still gets one row");
  const tv = new PixelScreen(480, 272, FORMAT_RGB565, bandRowsFor(480, FORMAT_RGB565));
  expect(tv.pixels.length <= BAND_MAX_BYTES, "the TV's strip is within the budget");
  expectEq<i32>(tv.pixels.length, 480 * 8 * 2, "the TV's strip is 8 rows");
  expectEq<i32>(tv.bands, 34, "272 rows in 34 bands");
  expect(tv.bandRows <= BAND_MAX_ROWS, "at most 16 rows");
});

test("TV and OLED linking screens: the banded frame equals the whole frame byte for byte", () => {
  compare(480, 272, FORMAT_RGB565, bandRowsFor(480, FORMAT_RGB565), linking("WDJB-MJHT", "Code expires in 9 min"), "TV linking");
  compare(128, 64, FORMAT_MONO, bandRowsFor(128, FORMAT_MONO), linking("WDJB-MJHT", "9 min"), "OLED linking");
  compare(480, 272, FORMAT_RGB565, bandRowsFor(480, FORMAT_RGB565), message(), "TV message");
  compare(128, 64, FORMAT_MONO, bandRowsFor(128, FORMAT_MONO), message(), "OLED message");
});

test("band heights that do not divide the display, down to one row", () => {
  // 272 = 39 · 7 − 1: the last band overlaps the one before it.
  compare(480, 272, FORMAT_RGB565, 7, linking("WDJB-MJHT", "Code expires in 9 min"), "TV, 7-row bands");
  compare(128, 64, FORMAT_MONO, 5, linking("WDJB-MJHT", "9 min"), "OLED, 5-row bands");
  compare(128, 64, FORMAT_MONO, 1, linking("WDJB-MJHT", "9 min"), "OLED, 1-row bands");
  compare(200, 131, FORMAT_RGB565, 16, linking("BCDF-GHJK", "Code expires in 1 min"), "200 × 131, 16-row bands");
  compare(37, 11, FORMAT_MONO, 4, message(), "37 × 11 mono");
});

test("only the bands that changed are blitted, and the frame still equals a whole render", () => {
  const rows = bandRowsFor(480, FORMAT_RGB565);
  const banded = compare(480, 272, FORMAT_RGB565, rows, linking("WDJB-MJHT", "Code expires in 9 min"), "first frame");
  const next = linking("WDJB-MJHT", "Code expires in 8 min");
  blits = 0;
  blitRows = 0;
  expect(banded.render(next, boardBlit), "a new countdown changes the frame");
  expect(blits > 0, "the countdown's band is blitted");
  expect(blits < banded.bands / 2, "far fewer than all bands are blitted (" + blits.toString() + " of " + banded.bands.toString() + ")");
  __collect();
  const full = new PixelScreen(480, 272, FORMAT_RGB565);
  full.render(next);
  expectEq<i32>(firstDiff(boardFrame, full.pixels), -1, "after the partial update the frame equals a whole render");
  blits = 0;
  expect(!banded.render(next, boardBlit), "the same model again: no change");
  expectEq<i32>(blits, 0, "and nothing blitted");
  // A different screen altogether: the frame follows, band by band.
  expect(banded.render(message(), boardBlit), "another screen");
  __collect();
  const msg = new PixelScreen(480, 272, FORMAT_RGB565);
  msg.render(message());
  expectEq<i32>(firstDiff(boardFrame, msg.pixels), -1, "the message screen assembled from bands equals a whole render");
});

report();
