// Pixel screens and speech: frame sizes, layouts that never leave the
// display (the longest URL and user code the firmware accepts included),
// change detection, QR placement, and how codes and URLs are spoken.
import { test, expect, expectEq, report } from "./harness";
import {
  PixelScreen, DrawnText, ELLIPSIS, ROLE_CODE, ROLE_COUNTDOWN, ROLE_LINE, ROLE_STATUS, ROLE_TITLE, ROLE_URL,
  fitLine, wrapAt,
} from "../../assembly/ui/pixel_screen";
import { ScreenModel } from "../../assembly/ui/model";
import { FORMAT_MONO, FORMAT_RGB565 } from "../../assembly/ui/canvas";
import { Ecl } from "../../assembly/qr/qr";
import { spellCode, speakableUrl } from "../../assembly/ui/speech";
import { URL_MAX_CHARS } from "../../assembly/net/url";
import { USER_CODE_MAX_CHARS, groupUserCode } from "../../assembly/auth/device_flow";

const TV_W = 480, TV_H = 272, OLED_W = 128, OLED_H = 64;
const TV_MARGIN = 8;

/**
 * A fresh screen. The firmware has one for its life; tests make many, and
 * memory is capped at 2 MiB, so the last ones are collected first.
 */
function screen(w: i32, h: i32, format: i32): PixelScreen {
  __collect();
  return new PixelScreen(w, h, format);
}

function repeat(s: string, n: i32): string {
  let out = "";
  for (let i = 0; i < n; i++) out += s;
  return out;
}

function linking(uri: string, code: string, complete: string): ScreenModel {
  const m = new ScreenModel();
  m.title = "Link your account";
  m.verificationUri = uri;
  m.userCode = code;
  m.qrText = complete;
  m.countdown = "Code expires in 9 min";
  m.status = "Waiting for approval";
  return m;
}

const URI = "http://127.0.0.1:41234/device";
const CODE = "WDJB-MJHT";
const COMPLETE = "http://127.0.0.1:41234/device?user_code=WDJB-MJHT";

/** The longest URL the firmware accepts (URL_MAX_CHARS). */
function longestUri(): string {
  const head = "https://login.example.com/";
  return head + repeat("a", URL_MAX_CHARS - head.length);
}

/** The longest user code the firmware accepts, grouped as the app shows it. */
function longestCode(): string {
  return groupUserCode(repeat("BCDFGHJK", USER_CODE_MAX_CHARS / 8));
}

/** The lines of one role, joined with `sep` (a wrapped value read back). */
function joined(s: PixelScreen, role: i32, sep: string = ""): string {
  let out = "";
  for (let i = 0; i < s.texts.length; i++) {
    if (s.texts[i].role != role) continue;
    if (out.length > 0) out += sep;
    out += s.texts[i].text;
  }
  return out;
}

function countRole(s: PixelScreen, role: i32): i32 {
  let n = 0;
  for (let i = 0; i < s.texts.length; i++) if (s.texts[i].role == role) n++;
  return n;
}

function overlaps(t: DrawnText, x: i32, y: i32, w: i32, h: i32): bool {
  return t.x < x + w && x < t.x + t.w && t.y < y + h && y < t.y + t.h;
}

/** Every drawn line inside [left, right) × [0, height), none over the QR code or another line. */
function checkBoxes(s: PixelScreen, left: i32, right: i32, what: string): void {
  for (let i = 0; i < s.texts.length; i++) {
    const t = s.texts[i];
    const where = what + ": line \"" + t.text + "\" at " + t.x.toString() + "," + t.y.toString();
    expect(t.x >= left && t.x + t.w <= right, where + " is inside the columns " + left.toString() + ".." + right.toString() + " (w " + t.w.toString() + ")");
    expect(t.y >= 0 && t.y + t.h <= s.height, where + " is inside the rows (h " + t.h.toString() + ")");
    if (s.qrSide > 0) expect(!overlaps(t, s.qrX, s.qrY, s.qrSide, s.qrSide), where + " stays off the QR code");
    for (let j = 0; j < i; j++) expect(!overlaps(t, s.texts[j].x, s.texts[j].y, s.texts[j].w, s.texts[j].h), where + " overlaps \"" + s.texts[j].text + "\"");
  }
  if (s.qrSide > 0) {
    expect(s.qrX >= 0 && s.qrY >= 0 && s.qrX + s.qrSide <= s.width && s.qrY + s.qrSide <= s.height, what + ": QR code inside the display");
  }
}

/** Large layout: nothing but the row's background in the 8-pixel side margins. */
function checkSideMargins(s: PixelScreen, what: string): void {
  let bad = 0;
  for (let y = 0; y < s.height; y++) {
    const ground = s.pixel(0, y);
    for (let x = 0; x < TV_MARGIN; x++) {
      if (s.pixel(x, y) != ground) bad++;
      if (s.pixel(s.width - 1 - x, y) != ground) bad++;
    }
  }
  expectEq<i32>(bad, 0, what + ": pixels drawn in the side margins");
}

/** RFC 8628 §3.3.1: when a QR code is drawn, the URL and the code are shown in full as text. */
function checkQrNeverAlone(s: PixelScreen, m: ScreenModel, what: string): void {
  if (s.qrSide == 0) return;
  expectEq<string>(joined(s, ROLE_URL), m.verificationUri, what + ": URL in full next to the QR code");
  expectEq<string>(joined(s, ROLE_CODE), m.userCode, what + ": code in full next to the QR code");
}

// -------------------------------------------------------------------- frame

test("the frame is width × height × bytes per pixel, row-major, in the board's format", () => {
  const tv = screen(TV_W, TV_H, FORMAT_RGB565);
  expectEq<i32>(tv.pixels.length, TV_W * TV_H * 2, "RGB565: two bytes per pixel");
  expectEq<i32>(tv.bytesPerPixel, 2, "bytes per pixel");
  const oled = screen(OLED_W, OLED_H, FORMAT_MONO);
  expectEq<i32>(oled.pixels.length, OLED_W * OLED_H, "mono: one byte per pixel");
  expect(tv.isLarge && !oled.isLarge, "480×272 gets the large layout, 128×64 the small one");
  tv.render(linking(URI, CODE, COMPLETE));
  // pixels is the frame itself: byte (y·w + x)·2, low byte first.
  const x = tv.qrX, y = tv.qrY; // a quiet-zone pixel: white
  const at = (y * TV_W + x) * 2;
  expectEq<i32>(<i32>tv.pixels[at] | (<i32>tv.pixels[at + 1] << 8), 0xffff, "pixels[] agrees with pixel()");
  expectEq<i32>(tv.pixel(x, y), 0xffff, "quiet zone is white");
});

test("mono frames hold only 0 and 1", () => {
  const s = screen(OLED_W, OLED_H, FORMAT_MONO);
  s.render(linking(URI, CODE, COMPLETE));
  let other = 0, lit = 0;
  for (let i = 0; i < s.pixels.length; i++) {
    if (s.pixels[i] > 1) other++;
    if (s.pixels[i] == 1) lit++;
  }
  expectEq<i32>(other, 0, "values other than 0/1");
  expect(lit > 0, "something is lit");
});

test("odd and empty sizes never trap and keep text inside", () => {
  const sizes: i32[] = [0, 0, 1, 1, 5, 7, 64, 32, 96, 32, 128, 32, 160, 128, 240, 135, 320, 240, 800, 480];
  for (let i = 0; i < sizes.length; i += 2) {
    for (let f = 1; f <= 2; f++) {
      const s = screen(sizes[i], sizes[i + 1], f);
      const what = sizes[i].toString() + "x" + sizes[i + 1].toString();
      s.render(linking(URI, CODE, COMPLETE));
      checkBoxes(s, 0, s.width, what + " linking");
      s.render(linking(longestUri(), longestCode(), longestUri() + "?user_code=" + longestCode()));
      checkBoxes(s, 0, s.width, what + " longest");
      const n = new ScreenModel();
      n.title = "Cannot link this device.";
      n.lines = [repeat("a long reason ", 30)];
      n.status = "Error";
      s.render(n);
      checkBoxes(s, 0, s.width, what + " error screen");
      expectEq<i32>(s.pixels.length, s.width * s.height * f, what + " frame size");
    }
  }
});

// -------------------------------------------------------------------- change detection

test("render() is true when the frame changed, false for the same model", () => {
  const s = screen(TV_W, TV_H, FORMAT_RGB565);
  expect(s.render(linking(URI, CODE, COMPLETE)), "first render draws");
  expect(!s.render(linking(URI, CODE, COMPLETE)), "an equal model (another object) draws nothing new");
  const m = linking(URI, CODE, COMPLETE);
  m.countdown = "Code expires in 8 min";
  expect(s.render(m), "a new countdown changes the frame");
  expect(!s.render(m), "same again: unchanged");
  m.lines = ["Network trouble: connection failed"];
  expect(s.render(m), "a note changes the frame");
  const o = screen(OLED_W, OLED_H, FORMAT_MONO);
  expect(o.render(m), "mono first render");
  expect(!o.render(m), "mono unchanged");
  m.status = "Linked";
  expect(o.render(m), "mono status change");
});

test("a model change that draws the same pixels is not a frame change", () => {
  const s = screen(OLED_W, OLED_H, FORMAT_MONO);
  const m = new ScreenModel();
  m.status = "Linked";
  m.lines = ["ok"];
  expect(s.render(m), "first");
  // An empty line takes no room and draws nothing.
  m.lines = ["ok", ""];
  expect(!s.render(m), "the same frame");
});

// -------------------------------------------------------------------- TV layout

test("TV: title, URL, large code, QR code (level M, integer modules, quiet zone), countdown, status", () => {
  const s = screen(TV_W, TV_H, FORMAT_RGB565);
  const m = linking(URI, CODE, COMPLETE);
  s.render(m);
  expectEq<string>(joined(s, ROLE_TITLE), "Link your account", "title");
  expectEq<string>(joined(s, ROLE_URL), URI, "URL in full");
  expectEq<string>(joined(s, ROLE_CODE), CODE, "code in full");
  expectEq<i32>(countRole(s, ROLE_CODE), 1, "the code on one line");
  let codeScale = 0;
  for (let i = 0; i < s.texts.length; i++) if (s.texts[i].role == ROLE_CODE) codeScale = s.texts[i].scale;
  expect(codeScale >= 3, "the code is large (scale " + codeScale.toString() + ")");
  expectEq<string>(joined(s, ROLE_COUNTDOWN, " "), "Code expires in 9 min", "countdown");
  expectEq<string>(joined(s, ROLE_STATUS), "Waiting for approval", "status");
  expect(s.qrVersion > 0, "QR code drawn");
  expectEq<i32>(<i32>s.qrEcl, <i32>Ecl.M, "level M");
  expect(s.qrModulePx >= 4, "at least 4 pixels per module on a TV (got " + s.qrModulePx.toString() + ")");
  expectEq<i32>(s.qrSide, (17 + 4 * s.qrVersion + 8) * s.qrModulePx, "side = (modules + 2·4 quiet) · module size");
  checkBoxes(s, TV_MARGIN, TV_W - TV_MARGIN, "tv");
  checkSideMargins(s, "tv");
  checkQrNeverAlone(s, m, "tv");
});

test("TV: the three finder patterns sit at the QR code's corners, inside a white quiet zone", () => {
  const s = screen(TV_W, TV_H, FORMAT_RGB565);
  s.render(linking(URI, CODE, COMPLETE));
  const px = s.qrModulePx;
  const quiet = 4 * px;
  const size = 17 + 4 * s.qrVersion;
  // Quiet zone: the 4-module ring around the symbol is all white.
  let dark = 0;
  for (let y = 0; y < s.qrSide; y++) {
    for (let x = 0; x < s.qrSide; x++) {
      const inside = x >= quiet && y >= quiet && x < quiet + size * px && y < quiet + size * px;
      if (!inside && s.pixel(s.qrX + x, s.qrY + y) != 0xffff) dark++;
    }
  }
  expectEq<i32>(dark, 0, "non-white pixels in the quiet zone");
  // Finder pattern (ISO/IEC 18004 §6.3.3): 7×7, dark ring, light ring, dark 3×3 core;
  // then a light separator row/column towards the symbol.
  const corners: i32[] = [0, 0, size - 7, 0, 0, size - 7];
  let wrong = 0;
  for (let c = 0; c < 6; c += 2) {
    for (let my = 0; my < 7; my++) {
      for (let mx = 0; mx < 7; mx++) {
        const ring = max(abs(mx - 3), abs(my - 3));
        const expectDark = ring != 2;
        // Sample every pixel of the module.
        for (let dy = 0; dy < px; dy++) {
          for (let dx = 0; dx < px; dx++) {
            const x = s.qrX + quiet + (corners[c] + mx) * px + dx;
            const y = s.qrY + quiet + (corners[c + 1] + my) * px + dy;
            if ((s.pixel(x, y) == 0) != expectDark) wrong++;
          }
        }
      }
    }
  }
  expectEq<i32>(wrong, 0, "finder pattern pixels wrong");
  // Timing pattern between the top finders: row 6 alternates, dark on even columns.
  let timing = 0;
  for (let mx = 8; mx < size - 8; mx++) {
    const x = s.qrX + quiet + mx * px + px / 2;
    const y = s.qrY + quiet + 6 * px + px / 2;
    if ((s.pixel(x, y) == 0) != (mx % 2 == 0)) timing++;
  }
  expectEq<i32>(timing, 0, "timing pattern modules wrong");
});

test("TV: the longest URL (512) and the longest code (32) stay inside the margins", () => {
  const s = screen(TV_W, TV_H, FORMAT_RGB565);
  const uri = longestUri();
  const code = longestCode();
  const m = linking(uri, code, uri + "?user_code=" + code);
  s.render(m);
  expectEq<i32>(s.qrVersion, 0, "no QR code: the complete URI is too long for version 10");
  expectEq<string>(joined(s, ROLE_URL), uri, "the URL still fits in full at the smallest scale");
  expectEq<string>(joined(s, ROLE_CODE), code, "the code in full");
  checkBoxes(s, TV_MARGIN, TV_W - TV_MARGIN, "tv longest");
  checkSideMargins(s, "tv longest");
  // A long URL with a QR text that still fits: the QR code shrinks, the text stays whole.
  const mid = "https://login.example.com/" + repeat("b", 150);
  const m2 = linking(mid, code, mid + "?c=1");
  s.render(m2);
  checkBoxes(s, TV_MARGIN, TV_W - TV_MARGIN, "tv long with QR");
  checkSideMargins(s, "tv long with QR");
  checkQrNeverAlone(s, m2, "tv long with QR");
  expect(s.qrVersion > 0, "a 180-byte URI still gets a QR code");
});

test("TV: level L when level M cannot hold the URI", () => {
  const s = screen(TV_W, TV_H, FORMAT_RGB565);
  // 250 bytes: over version 10-M (213), within 10-L (271).
  const complete = "https://login.example.com/d?user_code=" + repeat("x", 250 - 38);
  expectEq<i32>(complete.length, 250, "test data length");
  const m = linking("https://login.example.com/d", CODE, complete);
  s.render(m);
  expectEq<i32>(s.qrVersion, 10, "version 10");
  expectEq<i32>(<i32>s.qrEcl, <i32>Ecl.L, "level L");
  checkBoxes(s, TV_MARGIN, TV_W - TV_MARGIN, "tv level L");
});

test("TV: a screen that is not linking shows title, lines and status, wrapped and cut with ...", () => {
  const s = screen(TV_W, TV_H, FORMAT_RGB565);
  const m = new ScreenModel();
  m.title = "Linked";
  m.lines = ["Say something, or press UNLINK to unlink."];
  m.status = "Linked";
  s.render(m);
  expectEq<i32>(s.qrVersion, 0, "no QR code");
  expectEq<string>(joined(s, ROLE_LINE, " "), "Say something, or press UNLINK to unlink.", "the line");
  checkBoxes(s, TV_MARGIN, TV_W - TV_MARGIN, "linked");
  m.title = repeat("Title ", 40);
  m.lines = [repeat("word ", 400), "second"];
  m.status = repeat("status ", 40);
  s.render(m);
  checkBoxes(s, TV_MARGIN, TV_W - TV_MARGIN, "overfull");
  checkSideMargins(s, "overfull");
  let ends = 0;
  for (let i = 0; i < s.texts.length; i++) if (s.texts[i].text.endsWith(ELLIPSIS)) ends++;
  expect(ends >= 2, "the cut body and the long title end in ...");
  expectEq<i32>(countRole(s, ROLE_STATUS), 1, "status on one line");
});

// -------------------------------------------------------------------- OLED layout

test("OLED: QR code on the left at whole pixels per module, URL and code in full beside it", () => {
  const s = screen(OLED_W, OLED_H, FORMAT_MONO);
  const m = linking(URI, CODE, COMPLETE);
  s.render(m);
  expect(s.qrVersion > 0, "QR code drawn");
  expectEq<i32>(s.qrX, 0, "flush left");
  expect(s.qrModulePx >= 1, "whole pixels per module");
  expectEq<i32>(s.qrSide, (17 + 4 * s.qrVersion + 8) * s.qrModulePx, "quiet zone of 4 modules");
  expectEq<string>(joined(s, ROLE_CODE), CODE, "code");
  expectEq<string>(joined(s, ROLE_URL), URI, "URL");
  checkQrNeverAlone(s, m, "oled");
  checkBoxes(s, s.qrSide, OLED_W, "oled");
  // Lit quiet zone, dark top-left finder corner module.
  expectEq<i32>(s.pixel(s.qrX, s.qrY), 1, "quiet zone lit");
  const q = 4 * s.qrModulePx;
  expectEq<i32>(s.pixel(s.qrX + q, s.qrY + q), 0, "finder corner dark");
  let lit = 0;
  for (let y = 0; y < OLED_H; y++) lit += s.pixel(OLED_W - 1, y);
  expectEq<i32>(lit, 0, "the last column stays dark (1-pixel margin)");
});

test("OLED: the longest URL and code: no QR code, the code in full, the URL cut with ...", () => {
  const s = screen(OLED_W, OLED_H, FORMAT_MONO);
  const uri = longestUri();
  const code = longestCode();
  s.render(linking(uri, code, uri + "?user_code=" + code));
  expectEq<i32>(s.qrVersion, 0, "no QR code");
  expectEq<string>(joined(s, ROLE_CODE), code, "the code is never cut");
  const shownUrl = joined(s, ROLE_URL);
  expect(shownUrl.startsWith("https://login.example.com/"), "the URL starts as it should: " + shownUrl);
  expect(shownUrl.endsWith(ELLIPSIS), "and ends in ...");
  checkBoxes(s, 1, OLED_W - 1, "oled longest");
  let lit = 0;
  for (let y = 0; y < OLED_H; y++) lit += s.pixel(0, y) + s.pixel(OLED_W - 1, y);
  expectEq<i32>(lit, 0, "the edge columns stay dark");
});

test("OLED: a URL that fits the screen but not beside the QR code wins over the QR code", () => {
  const s = screen(OLED_W, OLED_H, FORMAT_MONO);
  const uri = "https://login.example.com/" + repeat("d", 70); // 96 chars: 5 rows at 21 columns
  const m = linking(uri, CODE, uri + "?c=1");
  s.render(m);
  expectEq<i32>(s.qrVersion, 0, "QR code left out");
  expectEq<string>(joined(s, ROLE_URL), uri, "URL in full");
  expectEq<string>(joined(s, ROLE_CODE), CODE, "code in full");
  checkBoxes(s, 1, OLED_W - 1, "oled url first");
});

test("OLED: level L when level M does not fit the height", () => {
  const s = screen(OLED_W, OLED_H, FORMAT_MONO);
  // 200 bytes: 10-M (65 modules with the quiet zone) is over 64 pixels; 9-L (61) fits.
  const m = linking("https://a.io/d", "AB-CD", "https://a.io/d?" + repeat("q", 185));
  m.countdown = "";
  m.status = "";
  s.render(m);
  expectEq<i32>(s.qrVersion, 9, "version 9");
  expectEq<i32>(<i32>s.qrEcl, <i32>Ecl.L, "level L");
  checkQrNeverAlone(s, m, "oled level L");
  checkBoxes(s, s.qrSide, OLED_W, "oled level L");
});

test("OLED: a screen that is not linking wraps title, lines and status", () => {
  const s = screen(OLED_W, OLED_H, FORMAT_MONO);
  const m = new ScreenModel();
  m.title = "Cannot link this device.";
  m.lines = ["config: token_endpoint is not an http(s) URL", "Press LINK to try again."];
  m.status = "Error";
  s.render(m);
  checkBoxes(s, 1, OLED_W - 1, "oled error");
  expectEq<string>(joined(s, ROLE_STATUS), "Error", "status kept");
  const status = s.texts[s.texts.length - 1];
  expectEq<i32>(status.y + status.h, OLED_H, "status on the bottom row");
  m.lines = [repeat("long reason ", 60)];
  s.render(m);
  checkBoxes(s, 1, OLED_W - 1, "oled overfull");
  expectEq<string>(joined(s, ROLE_STATUS), "Error", "status kept when the body is cut");
  let cut = false;
  for (let i = 0; i < s.texts.length; i++) if (s.texts[i].role == ROLE_LINE && s.texts[i].text.endsWith(ELLIPSIS)) cut = true;
  expect(cut, "the body ends in ...");
});

// -------------------------------------------------------------------- helpers

test("wrapAt breaks after URL punctuation in the second half of a line, hard otherwise", () => {
  const out = new Array<string>();
  wrapAt("http://127.0.0.1:41234/device", 20, "/:?&=.-_", out);
  expectEq<i32>(out.length, 2, "two lines");
  expectEq<string>(out[0], "http://127.0.0.1:", "break after the colon");
  expectEq<string>(out[1], "41234/device", "rest");
  const hard = new Array<string>();
  wrapAt("abcdefghij", 4, "/", hard);
  expectEq<string>(hard.join("|"), "abcd|efgh|ij", "hard wrap");
  expectEq<string>(fitLine("abcdefgh", 6), "abc...", "fitLine cuts with ...");
  expectEq<string>(fitLine("abc", 6), "abc", "fitLine keeps short text");
  expectEq<string>(fitLine("abcdef", 2), "..", "fitLine on a tiny column");
});

// -------------------------------------------------------------------- speech

test("spellCode: letter by letter, spelling-alphabet words for letters that sound alike, digits as words", () => {
  expectEq<string>(
    spellCode("WDJB-MJHT"),
    "W, D as in delta, J as in juliet, B as in bravo, M as in mike, J as in juliet, H, T as in tango",
    "WDJB-MJHT",
  );
  expectEq<string>(spellCode("N0-5Z"), "N as in november, zero, five, Z as in zulu", "digits and N/Z");
  expectEq<string>(spellCode("bcd"), "B as in bravo, C as in charlie, D as in delta", "lower case said as upper case");
  expectEq<string>(spellCode("H L R W"), "H, L, R, W", "distinct letters plain, spaces skipped");
  expectEq<string>(spellCode("--"), "", "only separators");
  expectEq<string>(spellCode("P+V"), "P as in papa, +, V as in victor", "other characters as they are");
});

test("spellCode never drops a character of the longest code", () => {
  const code = longestCode();
  const said = spellCode(code);
  const parts = said.split(", ");
  expectEq<i32>(parts.length, USER_CODE_MAX_CHARS, "one part per character");
  for (let i = 0, j = 0; i < code.length; i++) {
    if (code.charAt(i) == "-") continue;
    expect(parts[j].startsWith(code.charAt(i)), "part " + j.toString() + " starts with " + code.charAt(i));
    j++;
  }
});

test("speakableUrl: no https://, punctuation and digits as words", () => {
  expectEq<string>(speakableUrl("https://example.com/device"), "example dot com slash device", "https");
  expectEq<string>(speakableUrl("https://example.com/"), "example dot com", "final slash dropped");
  expectEq<string>(speakableUrl("HTTPS://login.example.com/activate"), "login dot example dot com slash activate", "scheme in capitals");
  expectEq<string>(
    speakableUrl("https://www.google.com/device"),
    "www dot google dot com slash device",
    "Google's URL",
  );
  expectEq<string>(
    speakableUrl("https://example.com:8443/link"),
    "example dot com colon eight four four three slash link",
    "port as digits",
  );
  expectEq<string>(
    speakableUrl("http://127.0.0.1:4000/device"),
    "h t t p colon slash slash one two seven dot zero dot zero dot one colon four zero zero zero slash device",
    "plain http is said, the address digit by digit",
  );
  expectEq<string>(speakableUrl("https://my-tv.example/a_b"), "my dash tv dot example slash a underscore b", "dash and underscore");
});

report();
