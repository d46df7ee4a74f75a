// What the person sees and hears, as a pure function of the device state,
// the controllers' views and the time: (state, views, now) → screen model
// and words. presenter.ts puts the result on the board's surfaces.
import { DeviceState } from "../device_state";
import { groupUserCode } from "../auth/device_flow";
import { cleanText } from "../net/http";
import { ScreenModel } from "./model";
import { stateLabel, countdownText } from "./status";
import { spellCode, speakableUrl } from "./speech";
import { REPLY_MAX_CHARS } from "../limits";
import * as msg from "./messages";
import { W, words } from "./words";
import { splitLines } from "../text/list";

/** The controllers' state as far as the screen and speech need it. Never a token. */
export class Views {
  configOk: bool = true;
  userCode: string = "";
  verificationUri: string = "";
  verificationUriComplete: string = "";
  /** Monotonic ms at which the code expires; -1 when none. */
  expiresAtMs: i64 = -1;
  /** Why the device is in its state (for error, backoff, unlinked, expired). */
  reason: string = "";
  /** The last reply to an utterance: an answer, an error, "didn't get that". */
  reply: string = "";
  /** Bumped when the code should be said again. */
  codeRepeat: i32 = 0;

  /** Takes every field of `o`. */
  copy(o: Views): void {
    this.configOk = o.configOk;
    this.userCode = o.userCode;
    this.verificationUri = o.verificationUri;
    this.verificationUriComplete = o.verificationUriComplete;
    this.expiresAtMs = o.expiresAtMs;
    this.reason = o.reason;
    this.reply = o.reply;
    this.codeRepeat = o.codeRepeat;
  }
}

export class Frame {
  model: ScreenModel = new ScreenModel();
  /** Said once when the state changes to this one; "" for nothing. */
  onEnter: string = "";
  /** The code, spelled out, for a board with a speaker; "" when not linking. */
  code: string = "";
  /** Changes whenever `code` should be said (again). */
  codeKey: string = "";
}

/** Whether two views give the same frame (every field render reads). */
export function sameViews(a: Views, b: Views): bool {
  return a.configOk == b.configOk && a.expiresAtMs == b.expiresAtMs && a.codeRepeat == b.codeRepeat
    && a.userCode == b.userCode && a.verificationUri == b.verificationUri
    && a.verificationUriComplete == b.verificationUriComplete && a.reason == b.reason && a.reply == b.reply;
}

/**
 * Renders only when the frame may differ from the last one: most entries
 * (a tick, an answer on its way) change nothing on screen, and building a
 * frame costs more than the rest of a voice action. render() is pure, so
 * the same state and views make the same frame, except for the countdown,
 * which reads the clock: a screen with a code is always rendered. The
 * views rendered last are kept as a copy: the device fills one Views in
 * place on every pass.
 */
export class Frames {
  private lastState: i32 = -1;
  private last: Views = new Views();

  /** The frame to present, or null when it would equal the last one and `prev` (the state shown) is `s`. */
  next(prev: DeviceState, s: DeviceState, v: Views, now: i64): Frame | null {
    if (prev == s && <i32>s == this.lastState && !showsCode(s, v) && sameViews(v, this.last)) return null;
    this.lastState = <i32>s;
    this.last.copy(v);
    return render(prev, s, v, now);
  }
}

function showsCode(s: DeviceState, v: Views): bool {
  return s == DeviceState.AwaitingApproval || (s == DeviceState.Backoff && v.userCode.length > 0);
}

export function render(prev: DeviceState, s: DeviceState, v: Views, now: i64): Frame {
  const f = new Frame();
  const m = f.model;
  m.status = stateLabel(s);
  const lines = m.lines;
  if (showsCode(s, v)) {
    // RFC 8628 §3.3: the URI and the code are always shown; the QR code is an extra.
    m.title = words(W.TitleLink);
    m.verificationUri = v.verificationUri;
    m.userCode = groupUserCode(v.userCode);
    m.qrText = v.verificationUriComplete;
    m.countdown = words(W.CodeExpiresIn) + countdownText(v.expiresAtMs - now);
    if (s == DeviceState.Backoff) lines.push(msg.reasonOr(v.reason));
    f.code = words(W.ToLinkOpen) + speakableUrl(v.verificationUri) + words(W.AndEnterCode) + spellCode(v.userCode) + ".";
    f.codeKey = v.userCode + "#" + v.codeRepeat.toString();
  } else if (s == DeviceState.Linked || s == DeviceState.Refreshing) {
    m.title = words(W.StateLinked);
    if (v.reply.length == 0) lines.push(words(W.SaySomething));
  } else if (s == DeviceState.Expired) {
    m.title = words(W.TitleReconnecting);
    if (v.reason.length > 0) lines.push(msg.reasonOr(v.reason));
  } else if (s == DeviceState.Denied) {
    m.title = words(W.Denied);
    lines.push(words(W.PressLinkAgain));
  } else if (s == DeviceState.CodeExpired) {
    m.title = words(W.TitleCodeExpired);
    lines.push(words(W.PressLinkNewCode));
  } else if (s == DeviceState.Error) {
    m.title = words(W.TitleCannotLink);
    lines.push(msg.reasonOr(v.reason));
    if (v.configOk) lines.push(words(W.PressLinkAgain));
  } else if (s == DeviceState.Unlinked) {
    m.title = words(W.WhyNotLinked);
    if (v.reason.length > 0) lines.push(msg.reasonOr(v.reason));
    lines.push(words(W.PressLinkToLink));
  } else {
    m.title = stateLabel(s) + "...";
    if (s == DeviceState.Backoff || s == DeviceState.Booting) {
      if (v.reason.length > 0) lines.push(msg.reasonOr(v.reason));
    }
  }
  // Every reply shows on every display, with its own line breaks.
  if (v.reply.length > 0) replyLines(v.reply, lines);
  if (s != prev) f.onEnter = enterWords(prev, s, v);
  return f;
}

function replyLines(reply: string, out: Array<string>): void {
  const parts = splitLines(reply);
  let left = REPLY_MAX_CHARS;
  for (let i = 0; i < parts.length && left > 0; i++) {
    const line = cleanText(parts[i], left);
    left -= line.length;
    if (line.length > 0) out.push(line);
  }
}

/** Words said on entering a state. */
function enterWords(prev: DeviceState, s: DeviceState, v: Views): string {
  if (s == DeviceState.Linked) {
    const linking = prev == DeviceState.AwaitingApproval || prev == DeviceState.Backoff || prev == DeviceState.RequestingCode;
    return linking ? words(W.Linked) : "";
  }
  if (s == DeviceState.Denied) return words(W.Denied);
  if (s == DeviceState.CodeExpired) return words(W.CodeExpired);
  if (s == DeviceState.Error) return words(W.CannotLink) + msg.spokenReason(v.reason);
  return "";
}
