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
