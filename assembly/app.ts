// The wiring: board events in, decisions from the pure state machines,
// board calls out. Everything that decides lives in auth/, actions/ and
// ui/; this file only moves data between them and the board.
import * as board from "./board/board";
import { Cap, ConfigKind, LogLevel, Button } from "./board/board";
import { sendRequest, readResponse } from "./board/net";
import { DeviceConfig, parseDeviceConfig, applyDiscovery, CONFIG_MAX_BYTES } from "./auth/config";
import { DeviceFlow, LinkState, linkStateName, groupUserCode } from "./auth/device_flow";
import { XorShift, backoffDelay } from "./auth/backoff";
import { HttpRequest, HttpResponse, NET_CONNECT_FAILED, parseBody, describeStatus, cleanText } from "./net/http";
import { wellKnownUrls } from "./net/url";
import { ledFor, stateLabel, countdownText, countdownNextChange } from "./ui/status";
import { layout } from "./ui/text_screen";
import { ScreenModel } from "./ui/model";
import { PixelScreen, bandRowsFor } from "./ui/pixel_screen";
import { spellCode, speakableUrl } from "./ui/speech";
import { TokenStore } from "./auth/store";
import { TokenRecord } from "./auth/token_record";
import { TokenLifecycle, TokenState, TokenAction } from "./auth/tokens";
import { BoardFlash, BoardSealer } from "./board/storage";
import { Form } from "./net/form";
import { ActionTable, Match, loadActionTable, match, LOCAL_UNLINK } from "./actions/table";
import { buildActionRequest, parseActionResponse, newSessionId } from "./actions/request";
import { bearerError, NET_TIMEOUT, NET_BODY_TOO_LARGE } from "./net/http";

const enum Purpose { Discovery = 1, Flow = 2, Refresh = 3, Revoke = 4, Action = 5, Invalidate = 6 }

const ACTION_TABLE_MAX_BYTES: i32 = 65536;
const ACTION_TIMEOUT_MS: i32 = 8000;
/** How long an action waits for the refresh that a 401 started before it gives up. */
const ACTION_REFRESH_WAIT_MS: i64 = 15000;


/** RFC 7009 §2: a revocation request is answered at once; a few seconds is plenty. */
const REVOKE_TIMEOUT_MS: i32 = 5000;

export class App {
  cfg: DeviceConfig = new DeviceConfig();
  flow!: DeviceFlow;
  tokens!: TokenLifecycle;
  store: TokenStore = new TokenStore(new BoardFlash(), new BoardSealer());
  rng: XorShift;
  actions: ActionTable | null = null;
  private actionsError: string = "";
  /** The action waiting for its answer (one at a time), or null. */
  private action: Match | null = null;
  private actionToken: string = "";
  private actionRetried: bool = false;
  /** Set when a 401 asked for a refresh; the action is sent again once a new token is in use. */
  private actionWaitsForRefreshUntil: i64 = -1;
  private sessionId: string = "";
  private sessionIsNew: bool = true;
  lastAnswer: string = "";
  private unlinking: bool = false;
  private unlinkPending: i32 = 0;
  private unlinkUnreached: i32 = 0;
  configOk: bool = false;
  /** The state announced to the board (a state_set name). */
  state: string = "";
  /** Why the device is where it is (shown under the state; never a secret). */
  reason: string = "";
  private pending: Map<i32, i32> = new Map();
  private lastScreen: string = "";
  private pixelScreen: PixelScreen | null = null;
  private discovering: bool = false;
  private discoveryIndex: i32 = 0;
  private discoveryFailures: i32 = 0;
  private discoveryAt: i64 = -1;
  private spokenCode: string = "";

  constructor(seed: u32) {
    this.rng = new XorShift(seed);
  }

  boot(now: i64): i32 {
    this.setState("booting");
    const text = board.readConfig(ConfigKind.Device, CONFIG_MAX_BYTES);
    if (text === null) {
      this.cfg.error = "config: the board has no device configuration (or it is over " + CONFIG_MAX_BYTES.toString() + " bytes)";
    } else {
      this.cfg = parseDeviceConfig(text);
    }
    this.flow = new DeviceFlow(this.cfg, this.rng);
    this.tokens = new TokenLifecycle(this.cfg, this.rng);
    if (this.cfg.error.length > 0) {
      this.fail(this.cfg.error);
      return -1;
    }
    this.configOk = true;
    this.loadActions();
    this.newSession();
    this.loadStored(now);
    if (this.cfg.needsDiscovery) {
      this.discovering = true;
      this.discoveryAt = now;
    } else if (this.tokens.record === null) {
      this.startLinking(now);
    }
    this.render(now);
    return 0;
  }

  private loadActions(): void {
    const text = board.readConfig(ConfigKind.Actions, ACTION_TABLE_MAX_BYTES);
    if (text === null) {
      this.actionsError = "no action table";
      return;
    }
    const r = loadActionTable(text);
    if (r.table === null) {
      this.actionsError = "action table rejected: " + r.error;
      board.log(LogLevel.Error, this.actionsError);
      return;
    }
    this.actions = r.table;
  }

  /** A new backend session: after boot and after each new link (isNew on its first action). */
  private newSession(): void {
    this.sessionId = newSessionId();
    this.sessionIsNew = true;
  }

  /** Boot: a valid stored record brings the device up linked, without a new code. */
  private loadStored(now: i64): void {
    const rec = this.store.load();
    if (this.store.lastError.length > 0) board.log(LogLevel.Warn, "token store: " + this.store.lastError);
    if (rec === null) return;
    if (rec.issuer != this.cfg.issuer || rec.clientId != this.cfg.clientId) {
      // A record for another server or client is not this device's link any more.
      board.log(LogLevel.Warn, "stored link belongs to another issuer or client; ignoring it");
      this.store.wipe();
      return;
    }
    this.tokens.adopt(rec, now, board.wallSeconds(), false);
    board.log(LogLevel.Info, "linked from flash (record " + this.store.sequence.toString() + ")");
  }

  /** Saves a record; the caller decides what a failure means. */
  private persist(rec: TokenRecord): bool {
    const rc = this.store.save(rec);
    if (rc != 0) {
      board.log(LogLevel.Error, "token store: save failed (" + rc.toString() + "): " + this.store.lastError);
      return false;
    }
    return true;
  }

  private wipe(reason: string): void {
    this.endAction();
    this.lastAnswer = "";
    const rc = this.store.wipe();
    if (rc != 0) board.log(LogLevel.Error, "token store: wipe failed: " + this.store.lastError);
    this.tokens.clear(reason);
    this.flow.reset();
    this.reason = reason;
  }

  private fail(message: string): void {
    this.reason = message;
    board.log(LogLevel.Error, message);
    this.setState("error");
  }

  startLinking(now: i64): void {
    if (!this.configOk || this.discovering) return;
    this.flow.begin(now);
    this.spokenCode = "";
  }

  // ---- events -------------------------------------------------------------

  tick(now: i64): i64 {
    this.pump(now);
    this.render(now);
    return this.nextDeadline(now);
  }

  onNetResponse(id: i32, status: i32, bodyLen: i32, now: i64): void {
    if (!this.pending.has(id)) return; // a completion for something we dropped
    const purpose = this.pending.get(id);
    this.pending.delete(id);
    const resp = readResponse(id, status, bodyLen, board.cap(Cap.NetBodyCap));
    this.dispatch(purpose, resp, now);
  }

  private dispatch(purpose: i32, resp: HttpResponse, now: i64): void {
    if (purpose == Purpose.Discovery) this.onDiscovery(resp, now);
    else if (purpose == Purpose.Flow) {
      this.flow.onResponse(resp, now);
      this.afterFlow(now);
    } else if (purpose == Purpose.Refresh) this.onRefresh(resp, now);
    else if (purpose == Purpose.Revoke) this.onRevoked(resp, now);
    else if (purpose == Purpose.Action) this.onActionAnswer(resp, now);
    else if (purpose == Purpose.Invalidate) this.onInvalidated(resp, now);
  }

  private onRefresh(resp: HttpResponse, now: i64): void {
    const act = this.tokens.onResponse(resp, now, board.wallSeconds());
    if (act == TokenAction.Persist) {
      // The new refresh token reaches flash before the new access token is used.
      if (!this.persist(this.tokens.pending!)) {
        board.log(LogLevel.Error, "refreshed tokens kept in memory only; a reboot will need a new link");
      }
      this.tokens.commit(now, board.wallSeconds());
      board.log(LogLevel.Info, "tokens refreshed and stored (record " + this.store.sequence.toString() + ")");
    } else if (act == TokenAction.Unlink) {
      const why = this.tokens.reason;
      this.wipe(why);
      board.say("This device was unlinked. " + why);
    } else if (this.tokens.reason.length > 0) {
      board.log(LogLevel.Warn, this.tokens.reason);
    }
  }

  onButton(button: i32, now: i64): void {
    if (button == Button.Link) {
      board.log(LogLevel.Info, "button: link");
      if (this.tokens.record !== null) {
        board.say("This device is already linked.");
        return;
      }
      this.startLinking(now);
    } else if (button == Button.Action) {
      // Repeat the instructions (a speaker has no screen to look at again).
      this.spokenCode = "";
    } else if (button == Button.Unlink) {
      board.log(LogLevel.Info, "button: unlink");
      this.unlink(now);
    }
  }

  /**
   * Unlink: revoke at the server (RFC 7009 §2.1: the refresh token first,
   * which ends the grant at most servers, then the access token), then wipe
   * the store even when the server cannot be reached, and say which.
   */
  unlink(now: i64): void {
    if (this.unlinking) return;
    this.flow.reset();
    const rec = this.tokens.record;
    if (rec === null) {
      this.wipe("Not linked.");
      return;
    }
    this.unlinking = true;
    this.unlinkPending = 0;
    this.unlinkUnreached = 0;
    this.endAction();
    if (this.cfg.invalidateEndpoint.length > 0) {
      // The backend's invalidate call (NUGU-style) first, while the access token is still valid.
      const req = HttpRequest.form(this.cfg.invalidateEndpoint, new Form().add("token", rec.accessToken).toString());
      req.timeoutMs = REVOKE_TIMEOUT_MS;
      this.unlinkPending++;
      this.send(req, Purpose.Invalidate, now);
      return;
    }
    this.revokeAll(now);
  }

  private revokeAll(now: i64): void {
    const rec = this.tokens.record;
    if (rec !== null && this.cfg.revocationEndpoint.length > 0) {
      if (rec.refreshToken.length > 0) this.revoke(rec.refreshToken, "refresh_token", now);
      this.revoke(rec.accessToken, "access_token", now);
    }
    this.finishUnlinkIfDone();
  }

  private onInvalidated(resp: HttpResponse, now: i64): void {
    this.unlinkPending--;
    const obj = resp.status == 200 ? parseBody(resp) : null;
    const okv = obj !== null ? obj.get("ok") : null;
    if (okv === null || !okv.isBool() || !okv.bool) {
      this.unlinkUnreached++;
      const err = obj !== null ? obj.getString("error") : null;
      board.log(LogLevel.Warn, "backend invalidate not confirmed: " + (err !== null ? cleanText(err, 40) : describeStatus(resp.status)));
    }
    this.revokeAll(now);
  }

  private revoke(token: string, hint: string, now: i64): void {
    const form = new Form().add("token", token).add("token_type_hint", hint).add("client_id", this.cfg.clientId);
    if (this.cfg.clientSecret.length > 0) form.add("client_secret", this.cfg.clientSecret);
    const req = HttpRequest.form(this.cfg.revocationEndpoint, form.toString());
    req.timeoutMs = REVOKE_TIMEOUT_MS;
    this.unlinkPending++;
    this.send(req, Purpose.Revoke, now);
  }

  private onRevoked(resp: HttpResponse, now: i64): void {
    this.unlinkPending--;
    // RFC 7009 §2.2: 200 whether or not the token was valid. Anything else means
    // the server did not confirm; the local wipe happens regardless.
    if (resp.status != 200) {
      this.unlinkUnreached++;
      board.log(LogLevel.Warn, "revocation not confirmed: " + describeStatus(resp.status));
    }
    this.finishUnlinkIfDone();
  }

  private finishUnlinkIfDone(): void {
    if (!this.unlinking || this.unlinkPending > 0) return;
    this.unlinking = false;
    const anywhere = this.cfg.revocationEndpoint.length > 0 || this.cfg.invalidateEndpoint.length > 0;
    const confirmed = this.unlinkUnreached == 0 && anywhere;
    const why = confirmed ? "Unlinked on request."
      : (!anywhere ? "Unlinked on this device (no revocation endpoint is configured)."
        : "Unlinked on this device; the server could not be reached to revoke access.");
    this.wipe(why);
    board.say(confirmed ? "This device is now unlinked." : "This device is unlinked here, but the server could not be told.");
  }

  onUtterance(text: string, now: i64): void {
    board.log(LogLevel.Info, "heard: " + cleanText(text, 120));
    const table = this.actions;
    if (table === null) {
      board.say("I can't do anything yet: " + this.actionsError + ".");
      return;
    }
    const m = match(table, text);
    if (m === null) {
      board.say("Sorry, I didn't get that.");
      return;
    }
    if (m.local == LOCAL_UNLINK) {
      this.unlink(now);
      return;
    }
    if (this.tokens.record === null || this.unlinking) {
      board.say("This device is not linked yet. Press the link button to link your account.");
      return;
    }
    if (this.action !== null) {
      // One request in flight at a time.
      board.say("One moment, I'm still working on your last request.");
      return;
    }
    if (this.cfg.backend.length == 0) {
      board.say("No service is configured for voice actions on this device.");
      return;
    }
    const token = this.tokens.accessToken(now);
    if (token.length == 0) {
      // Expired and reconnecting: answer at once rather than queue silently.
      this.tokens.refreshNow(now);
      board.say("I'm reconnecting to your account. Please try again in a moment.");
      return;
    }
    this.action = m;
    this.actionRetried = false;
    this.sendAction(token, now);
  }

  private sendAction(token: string, now: i64): void {
    const m = this.action!;
    this.actionToken = token;
    this.actionWaitsForRefreshUntil = -1;
    const deviceType = board.cap(Cap.DeviceType) == 2 ? "tv" : "speaker";
    const req = new HttpRequest();
    req.url = this.cfg.backend + "/" + m.actionName;
    // RFC 6750 §2.1: the access token goes in the Authorization header.
    req.headers = "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nAccept: application/json";
    req.body = buildActionRequest(m, this.sessionId, this.sessionIsNew, token, deviceType);
    req.timeoutMs = ACTION_TIMEOUT_MS;
    board.log(LogLevel.Info, "action " + m.actionName + (this.actionRetried ? " (retry)" : ""));
    this.send(req, Purpose.Action, now);
  }

  private endAction(): void {
    this.action = null;
    this.actionToken = "";
    this.actionWaitsForRefreshUntil = -1;
  }

  private onActionAnswer(resp: HttpResponse, now: i64): void {
    const m = this.action;
    if (m === null) return;
    if (resp.status == 401) {
      // RFC 6750 §3.1: invalid_token means the access token is expired or revoked.
      const code = bearerError(resp.wwwAuthenticate);
      if (!this.actionRetried && code == "invalid_token" && this.tokens.hasRefreshToken) {
        this.actionRetried = true;
        this.tokens.refreshNow(now);
        this.actionWaitsForRefreshUntil = now + ACTION_REFRESH_WAIT_MS;
        board.log(LogLevel.Info, "backend said invalid_token; refreshing, then retrying once");
        return;
      }
      this.endAction();
      const why = "The service no longer accepts this device's access.";
      this.wipe(why);
      board.say("This device is no longer authorized. Press the link button to link it again.");
      return;
    }
    this.sessionIsNew = false;
    this.endAction();
    if (resp.status < 0) {
      if (resp.status == NET_TIMEOUT) board.say("The service took too long to answer. Please try again.");
      else if (resp.status == NET_BODY_TOO_LARGE) board.say("The service sent an answer that was too large.");
      else board.say("I can't reach the service right now. Please try again later.");
      return;
    }
    if (resp.status != 200) {
      board.say("The service had a problem, HTTP " + resp.status.toString() + ". Please try again later.");
      return;
    }
    const r = parseActionResponse(resp.body);
    if (r.ok) {
      this.lastAnswer = r.display;
      board.say(r.speech);
      return;
    }
    board.log(LogLevel.Warn, "action " + m.actionName + ": " + r.error);
    if (r.resultCode.length > 0) {
      const said = r.speech.length > 0 ? " " + r.speech : "";
      board.say("The service could not do that (" + cleanText(r.resultCode, 40) + ")." + said);
    } else {
      board.say("The service sent an answer I could not read.");
    }
  }

  /** An action that got 401 goes again once the refresh it started has put a new token in use. */
  private resumeAction(now: i64): void {
    if (this.action === null || this.actionWaitsForRefreshUntil < 0) return;
    if (this.tokens.record === null) {
      this.endAction(); // the refresh ended the link (invalid_grant); the unlink speech says why
      return;
    }
    const token = this.tokens.accessToken(now);
    if (!this.tokens.refreshing && token.length > 0 && token != this.actionToken) {
      this.sendAction(token, now);
    } else if (now >= this.actionWaitsForRefreshUntil) {
      this.endAction();
      board.say("I couldn't reconnect to your account. Please try again later.");
    }
  }

  // ---- the work -----------------------------------------------------------

  private pump(now: i64): void {
    if (this.discovering && this.discoveryAt >= 0 && now >= this.discoveryAt && this.pending.size == 0) {
      this.discoveryAt = -1;
      const urls = wellKnownUrls(this.cfg.issuer);
      this.send(HttpRequest.get(urls[this.discoveryIndex]), Purpose.Discovery, now);
    }
    const req = this.flow.due(now);
    if (req !== null) this.send(req, Purpose.Flow, now);
    this.afterFlow(now);
    if (this.unlinking) return;
    this.resumeAction(now);
    const act = this.tokens.check(now);
    if (act == TokenAction.Send) {
      this.send(this.tokens.request!, Purpose.Refresh, now);
    } else if (act == TokenAction.Relink) {
      // No refresh token was issued: when the access token ends, link again.
      this.wipe("The access expired; link again.");
      board.say("The link expired. Here is a new code.");
      this.startLinking(now);
    }
  }

  private send(req: HttpRequest, purpose: i32, now: i64): void {
    const id = sendRequest(req);
    if (id > 0) {
      this.pending.set(id, purpose);
      return;
    }
    // The board refused the request outright: treat it as a failed connection.
    board.log(LogLevel.Warn, "net_request refused with status " + id.toString());
    this.dispatch(purpose, HttpResponse.of(NET_CONNECT_FAILED, ""), now);
  }

  private onDiscovery(resp: HttpResponse, now: i64): void {
    const obj = resp.status == 200 ? parseBody(resp) : null;
    if (resp.status < 0 || resp.status >= 500) {
      this.discoveryFailures++;
      const delay = backoffDelay(this.discoveryFailures, 2000, 60000, 0, this.rng);
      this.reason = "Cannot reach " + cleanText(this.cfg.issuer, 80) + " (" + describeStatus(resp.status) + ")";
      this.setState("backoff");
      this.discoveryAt = now + delay;
      return;
    }
    if (obj === null) {
      // Try the other well-known location (RFC 8414 §3.1) before giving up.
      if (this.discoveryIndex == 0) {
        this.discoveryIndex = 1;
        this.discoveryAt = now;
        return;
      }
      this.discovering = false;
      this.fail("discovery: no usable metadata at " + cleanText(this.cfg.issuer, 80) + " (" + describeStatus(resp.status) + ")");
      return;
    }
    const why = applyDiscovery(this.cfg, obj);
    this.discovering = false;
    if (why.length > 0) {
      this.fail(why);
      return;
    }
    board.log(LogLevel.Info, "discovered endpoints for " + this.cfg.issuer);
    if (this.tokens.record === null) this.startLinking(now);
  }

  private afterFlow(now: i64): void {
    const f = this.flow;
    if (f.state == LinkState.Linked && f.tokens !== null) {
      const wall = board.wallSeconds();
      const rec = this.tokens.recordFrom(f.tokens!, wall, null);
      if (!this.persist(rec)) board.log(LogLevel.Error, "linked, but the tokens could not be stored; a reboot will need a new link");
      this.tokens.adopt(rec, now, wall, true);
      this.newSession();
      f.reset();
      this.reason = "";
      board.log(LogLevel.Info, "linked; tokens stored (record " + this.store.sequence.toString() + ")");
    }
  }

  private nextDeadline(now: i64): i64 {
    let next: i64 = -1;
    next = earliest(next, this.discoveryAt);
    next = earliest(next, this.flow.nextDeadline());
    if (!this.unlinking) next = earliest(next, this.tokens.nextDeadline());
    next = earliest(next, this.actionWaitsForRefreshUntil);
    if (this.flow.state == LinkState.AwaitingApproval || this.flow.state == LinkState.Backoff) {
      next = earliest(next, countdownNextChange(now, this.flow.expiresAtMs));
    }
    return next;
  }

  // ---- what the person sees and hears ------------------------------------

  private currentState(): string {
    if (!this.configOk) return "error";
    if (this.unlinking) return "unlinking";
    if (this.tokens.record !== null) {
      if (this.discovering) return "booting";
      const t = this.tokens.state;
      if (t == TokenState.Expired) return "expired";
      if (t == TokenState.Refreshing) return "refreshing";
      return "linked";
    }
    if (this.discovering) return this.state == "backoff" ? "backoff" : "requesting_code";
    return linkStateName(this.flow.state);
  }

  setState(name: string): void {
    if (name == this.state) return;
    this.state = name;
    board.announceState(name);
    const look = ledFor(name);
    board.led(look.pattern, look.rgb, look.periodMs);
  }

  private render(now: i64): void {
    const prev = this.state;
    this.setState(this.currentState());
    const f = this.flow;
    if (this.state != prev) this.speakState(prev);
    if (f.message.length > 0) this.reason = f.message;
    const m = new ScreenModel();
    const s = this.state;
    m.status = stateLabel(s);
    const lines = m.lines;
    if (s == "awaiting_approval" || (s == "backoff" && f.userCode.length > 0)) {
      // RFC 8628 §3.3: the URI and the code are always shown; the QR code is an extra.
      m.title = "Link your account";
      m.verificationUri = f.verificationUri;
      m.userCode = groupUserCode(f.userCode);
      m.qrText = f.verificationUriComplete;
      m.countdown = "Code expires in " + countdownText(f.expiresAtMs - now);
      if (s == "backoff") lines.push(this.reason);
      this.speakCode();
    } else if (s == "linked" || s == "refreshing") {
      m.title = "Linked";
      if (this.lastAnswer.length > 0) lines.push(cleanText(this.lastAnswer, 400));
      else lines.push("Say something, or press UNLINK to unlink.");
    } else if (s == "expired") {
      m.title = "Linked, reconnecting...";
      if (this.tokens.reason.length > 0) lines.push(this.tokens.reason);
    } else if (s == "denied") {
      m.title = "Linking was denied.";
      lines.push("Press LINK to try again.");
    } else if (s == "code_expired") {
      m.title = "The code expired.";
      lines.push("Press LINK for a new code.");
    } else if (s == "error") {
      m.title = "Cannot link this device.";
      lines.push(this.reason);
      if (this.configOk) lines.push("Press LINK to try again.");
    } else if (s == "unlinked") {
      m.title = "Not linked.";
      if (this.reason.length > 0) lines.push(this.reason);
      lines.push("Press LINK to link your account.");
    } else {
      m.title = stateLabel(s) + "...";
      if (s == "backoff" && this.reason.length > 0) lines.push(this.reason);
    }
    this.present(m);
  }

  /** Shows the model on whatever the board has: a framebuffer, a text screen, or both. */
  private present(m: ScreenModel): void {
    if (this.pixelScreen === null && board.cap(Cap.DisplayFormat) > 0) {
      const w = board.cap(Cap.DisplayWidth), h = board.cap(Cap.DisplayHeight);
      const f = board.cap(Cap.DisplayFormat);
      if (w > 0 && h > 0 && w <= 4096 && h <= 4096) this.pixelScreen = new PixelScreen(w, h, f, bandRowsFor(w, f));
    }
    // Band by band; only the bands that changed are blitted.
    const px = this.pixelScreen;
    if (px !== null) px.render(m, board.displayBlit);
    const cols = board.cap(Cap.TextCols);
    const rows = board.cap(Cap.TextRows);
    if (cols > 0 && rows > 0) {
      const text = new Array<string>();
      text.push(m.title);
      if (m.userCode.length > 0) {
        text.push("Open: " + m.verificationUri);
        text.push("Enter code: " + m.userCode);
        text.push(m.countdown);
      }
      for (let i = 0; i < m.lines.length; i++) text.push(m.lines[i]);
      text.push("[" + m.status + "]");
      const screen = layout(text, cols, rows);
      if (screen != this.lastScreen) {
        this.lastScreen = screen;
        board.displayText(screen);
      }
    }
  }

  private speakState(prev: string): void {
    const s = this.state;
    if (s == "linked" && (prev == "awaiting_approval" || prev == "backoff" || prev == "requesting_code")) board.say("Your account is linked.");
    else if (s == "denied") board.say("Linking was denied.");
    else if (s == "code_expired") board.say("The code expired. Press the link button for a new one.");
    else if (s == "error") board.say("This device cannot link. " + this.reason);
  }

  private speakCode(): void {
    const f = this.flow;
    if (board.cap(Cap.HasSpeaker) <= 0 || f.userCode == this.spokenCode) return;
    this.spokenCode = f.userCode;
    board.say("To link your account, open " + speakableUrl(f.verificationUri) + " and enter the code " + spellCode(f.userCode) + ".");
  }
}

function earliest(a: i64, b: i64): i64 {
  if (a < 0) return b;
  if (b < 0) return a;
  return a < b ? a : b;
}
