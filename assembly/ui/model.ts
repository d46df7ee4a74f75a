// What a screen shows, independent of how a board draws it. The app fills
// it; text_screen.ts lays it out for character displays and pixel_screen.ts
// draws it into a framebuffer. Never holds a token.

export class ScreenModel {
  /** Short title, e.g. "Link your account". */
  title: string = "";
  /** Body lines, in order (already safe to show). */
  lines: Array<string> = [];
  /** The verification URI (RFC 8628 §3.3): always shown as text while linking. */
  verificationUri: string = "";
  /** The user code, grouped for reading (e.g. "WDJB-MJHT"); "" when not linking. */
  userCode: string = "";
  /** verification_uri_complete for the QR code (§3.3.1); "" when none. */
  qrText: string = "";
  /** e.g. "Code expires in 9 min"; "" when none. */
  countdown: string = "";
  /** The state label for the status line, e.g. "Waiting for approval". */
  status: string = "";
}

/** The model's contents as a list, to tell a changed screen from the one already drawn. */
export function modelKey(m: ScreenModel): Array<string> {
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

/** Whether `m` is the model whose modelKey is `key`. */
export function sameModel(m: ScreenModel, key: Array<string>): bool {
  if (key.length != 6 + m.lines.length) return false;
  if (m.title != key[0] || m.verificationUri != key[1] || m.userCode != key[2]) return false;
  if (m.qrText != key[3] || m.countdown != key[4] || m.status != key[5]) return false;
  for (let i = 0; i < m.lines.length; i++) if (m.lines[i] != key[6 + i]) return false;
  return true;
}
