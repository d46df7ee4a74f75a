// The device coordinator: routes each event to the controller it concerns,
// sends what the controllers ask for through the Port, and keeps the
// controllers in step (a link's tokens go to the store, a dead link is
// wiped). Pure apart from the Port: unit tests drive it with a fake one and
// a virtual clock. The words it says come from ui/messages.ts.
import { InFlight, Purpose } from "./in_flight";
import { DeviceConfig } from "./auth/config";
import { Rng } from "./auth/backoff";
import { Discovery, DiscoveryState } from "./auth/discovery";
import { DeviceFlow, LinkState } from "./auth/device_flow";
import { TokenLifecycle, TokenAction } from "./auth/tokens";
import { TokenStore } from "./auth/store";
import { TokenRecord } from "./auth/token_record";
import { Unlink, UnlinkOutcome } from "./auth/unlink";
import { Exchange, ExchangeResult } from "./actions/exchange";
import { ActionTable, LOCAL_UNLINK } from "./actions/table";
import { match } from "./actions/match";
import { HttpRequest, HttpResponse, NET_CONNECT_FAILED, cleanText } from "./net/http";
import { DeviceState, deviceState, reasonFor } from "./device_state";
import { Views } from "./ui/render";
import { countdownNextChange } from "./ui/status";
import { Port, LOG_INFO, LOG_WARN, LOG_ERROR } from "./port";
import { Button } from "./board/board";
import { REPLY_MAX_CHARS } from "./limits";
import { SpinGuard } from "./spin_guard";
import * as msg from "./ui/messages";
import { W, words } from "./ui/words";
import { Note, noteLine } from "./notes";

export class Device {
  readonly discovery: Discovery;
  readonly flow: DeviceFlow;
  readonly tokens: TokenLifecycle;
  readonly exchange: Exchange;
  readonly unlinker: Unlink;
  /** What the device says next, in order; the presenter empties it. */
  readonly speech: Array<string> = [];
  /** The last reply to an utterance (shown on every display). */
  reply: string = "";
  /** Bumped when the code should be said again (LINK, the action button). */
  codeRepeat: i32 = 0;
  /** Why the device is unlinked, when it is. */
  private unlinkedReason: string = "";
  private requests: InFlight = new InFlight();
  /** Counts sends and completions; a pass without a change made no progress. */
  private progress: i32 = 0;
  private spin: SpinGuard = new SpinGuard();
  private view: Views = new Views();

  constructor(
    readonly cfg: DeviceConfig,
    private table: ActionTable | null,
    private tableError: string,
    private store: TokenStore,
    private port: Port,
    rng: Rng,
    deviceType: string,
  ) {
    this.discovery = new Discovery(cfg, rng);
    this.flow = new DeviceFlow(cfg, rng);
    this.tokens = new TokenLifecycle(cfg, rng);
    this.exchange = new Exchange(cfg.backend, deviceType);
    this.unlinker = new Unlink(cfg);
  }

  get configOk(): bool {
    return this.cfg.error.length == 0;
  }

  boot(now: i64): void {
    if (!this.configOk) {
      this.port.log(LOG_ERROR, this.cfg.error);
      return;
    }
    this.exchange.newSession(this.port.sessionId());
    this.loadStored(now);
    this.discovery.start(now);
    if (this.discovery.ready && this.tokens.record === null) this.flow.begin(now);
  }

  /** Boot: a valid stored record brings the device up linked, without a new code. */
  private loadStored(now: i64): void {
    const rec = this.store.load();
    if (this.store.lastError.length > 0) this.note(LOG_WARN, Note.StoreWarning, this.store.lastError);
    if (rec === null) return;
    if (rec.issuer != this.cfg.issuer || rec.clientId != this.cfg.clientId) {
      // A record for another server or client is not this device's link any more.
      this.note(LOG_WARN, Note.ForeignRecord);
      this.store.wipe();
      return;
    }
    this.tokens.adopt(rec, now, this.port.wallSeconds(), false);
    this.note(LOG_INFO, Note.LinkedFromFlash, this.store.sequence.toString());
  }

  state(): DeviceState {
    return deviceState(this.configOk, this.unlinker.active, this.tokens.record !== null,
      this.discovery.state, this.flow.state, this.tokens.state);
  }

  /** What the screen and speech are made from (never a token): one Views, filled again on each call. */
  views(s: DeviceState): Views {
    const v = this.view;
    const f = this.flow;
    v.userCode = f.userCode;
    v.verificationUri = f.verificationUri;
    v.verificationUriComplete = f.verificationUriComplete;
    v.expiresAtMs = f.expiresAtMs;
    v.configOk = this.configOk;
    v.reply = this.reply;
    v.codeRepeat = this.codeRepeat;
    const d = this.discovery;
    v.reason = reasonFor(s, this.configOk, d.state, this.cfg.error, d.reason, f.message, this.unlinkedReason, this.tokens.reason);
    return v;
  }

  /** A fixed log line, by number (notes.ts; the host has the words). */
  private note(level: i32, n: Note, arg: string = ""): void {
    this.port.log(level, noteLine(n, arg));
  }

  onButton(button: i32, now: i64): void {
    if (button == Button.Link) this.link(now);
    else if (button == Button.Unlink) this.unlink(now);
    else if (button == Button.Action) this.codeRepeat++; // repeat the instructions: a speaker has no screen to look at again
  }

  /** LINK: a new code, or discovery again when it failed (the server may be fixed now). */
  link(now: i64): void {
    this.note(LOG_INFO, Note.ButtonLink);
    if (!this.configOk || this.unlinker.active) return;
    if (!this.discovery.ready) {
      this.discovery.start(now);
      return;
    }
    if (this.tokens.record !== null) {
      this.speech.push(words(W.AlreadyLinked));
      return;
    }
    this.startLinking(now);
  }

  private startLinking(now: i64): void {
    this.flow.begin(now);
    this.unlinkedReason = "";
    this.codeRepeat++;
  }

  unlink(now: i64): void {
    this.note(LOG_INFO, Note.UnlinkRequested);
    if (this.unlinker.active) return;
    this.flow.reset();
    this.exchange.cancel();
    const rec = this.tokens.record;
    if (rec === null) {
      this.wipe(words(W.WhyNotLinked));
      return;
    }
    this.unlinker.begin(rec, now);
  }

  onUtterance(text: string, now: i64): void {
    this.note(LOG_INFO, Note.Heard, cleanText(text, 120));
    const table = this.table;
    if (table === null) {
      // The table's fault is shown with its code and said as its category (ui/messages.ts).
      this.answer(words(W.NoActions) + msg.spokenReason(this.tableError));
      this.reply = words(W.NoActions) + msg.reasonOr(this.tableError);
      return;
    }
    const m = match(table, text);
    if (m === null) return this.answer(words(W.NotUnderstood));
    if (m.local == LOCAL_UNLINK) return this.unlink(now);
    if (this.tokens.record === null || this.unlinker.active) return this.answer(words(W.NotLinked));
    if (this.exchange.busy) return this.answer(words(W.Busy)); // one request in flight at a time
    if (this.cfg.backend.length == 0) return this.answer(words(W.NoBackend));
    if (!this.tokens.usable(now)) {
      // Expired and reconnecting: answer at once rather than queue silently.
      this.tokens.refreshNow(now);
      return this.answer(words(W.Reconnecting));
    }
    this.exchange.start(m);
    this.note(LOG_INFO, Note.Action, m.actionName);
  }

  /** A reply to the person: said, and shown on every display. */
  private answer(text: string): void {
    this.speech.push(text);
    this.reply = text;
  }

  onResponse(id: i32, resp: HttpResponse, now: i64): void {
    const purpose = this.requests.answered(id);
    if (purpose >= 0) this.complete(purpose, resp, now); // else a completion for something dropped
  }

  private complete(purpose: i32, resp: HttpResponse, now: i64): void {
    this.progress++;
    if (purpose == Purpose.Discovery) {
      this.discovery.onResponse(resp, now);
      const d = this.discovery.state;
      if (d == DiscoveryState.Done) {
        this.note(LOG_INFO, Note.Discovered, this.cfg.issuer);
        if (this.tokens.record === null) this.startLinking(now);
      } else if (d == DiscoveryState.Failed) {
        this.port.log(LOG_ERROR, this.discovery.reason);
      }
    } else if (purpose == Purpose.Flow) {
      this.flow.onResponse(resp, now);
      // A stopped flow's reason reaches the log too, not only the screen.
      if (this.flow.state == LinkState.Error) this.note(LOG_ERROR, Note.LinkingStopped, this.flow.message);
      // The tokens are stored by the fw_tick that always follows (boards/ABI.md §4), once the answer's bytes are freed.
    } else if (purpose == Purpose.Refresh) {
      this.onRefreshed(resp, now);
    } else if (purpose == Purpose.Unlink) {
      this.unlinker.onResponse(resp, now);
      if (this.unlinker.note.length > 0) this.note(LOG_WARN, Note.UnlinkNote, this.unlinker.note);
      this.unlinker.note = "";
      this.finishUnlinkIfDone();
    } else if (purpose == Purpose.Action) {
      const name = this.exchange.actionName;
      this.onExchange(this.exchange.onResponse(resp, now, this.tokens.hasRefreshToken), name, now);
    }
  }

  // ---- the work -------------------------------------------------------------

  /** One pass: queued refusals complete, then every controller sends what is due. */
  tick(now: i64): i64 {
    const refused = this.requests.takeRefused();
    for (let i = 0; i < refused.length; i++) this.complete(refused[i], HttpResponse.of(NET_CONNECT_FAILED, ""), now);
    this.pump(now);
    const next = this.nextDeadline(now);
    const guarded = this.spin.check(now, next, this.progress);
    if (guarded != next) this.note(LOG_WARN, Note.Spinning);
    return guarded;
  }

  private pump(now: i64): void {
    const dr = this.discovery.due(now);
    if (dr !== null) this.send(dr, Purpose.Discovery);
    const fr = this.flow.due(now);
    if (fr !== null) this.send(fr, Purpose.Flow);
    this.afterFlow(now);
    this.storeRefreshed(now);
    if (this.unlinker.active) {
      const ur = this.unlinker.due(now);
      if (ur !== null) this.send(ur, Purpose.Unlink);
      return;
    }
    // The token goes to the request as the bytes it is kept in (its text would be twice the size).
    const ar = this.exchange.dueBytes(now, this.tokens.accessBytes(now), this.tokens.refreshing);
    if (ar !== null) {
      this.send(ar, Purpose.Action);
    } else if (this.exchange.result != ExchangeResult.Nothing) {
      this.onExchange(this.exchange.result, this.exchange.actionName, now);
      this.exchange.result = ExchangeResult.Nothing;
    }
    if (!this.discovery.ready) return; // no token endpoint to refresh at yet
    const act = this.tokens.check(now);
    if (act == TokenAction.Send) {
      // Rotation window: flash records that a refresh is in flight before it leaves.
      const mark = this.tokens.inFlightMark();
      if (mark !== null) this.persist(mark);
      this.send(this.tokens.request!, Purpose.Refresh);
    } else if (act == TokenAction.Relink) {
      // No refresh token was issued: when the access token ends, link again.
      this.wipe(words(W.WhyAccessExpired));
      this.speech.push(words(W.LinkExpired));
      this.startLinking(now);
    }
  }

  private send(req: HttpRequest, purpose: i32): void {
    this.progress++;
    const id = this.port.send(req);
    if (id > 0) {
      this.requests.sent(id, purpose);
      return;
    }
    // Refused by the board (busy, full): a failed connection, delivered on the next pass.
    this.note(LOG_WARN, Note.SendRefused, id.toString());
    this.requests.refuse(purpose);
  }

  nextDeadline(now: i64): i64 {
    if (this.requests.hasRefused) return now;
    let next = earliest(this.discovery.nextDeadline(), this.flow.nextDeadline());
    if (this.unlinker.active) return earliest(next, this.unlinker.nextDeadline());
    next = earliest(next, this.exchange.nextDeadline());
    if (this.discovery.ready) next = earliest(next, this.tokens.nextDeadline());
    const s = this.flow.state;
    if (s == LinkState.AwaitingApproval || s == LinkState.Backoff) {
      next = earliest(next, countdownNextChange(now, this.flow.expiresAtMs));
    }
    return next;
  }

  private afterFlow(now: i64): void {
    const f = this.flow;
    if (f.state != LinkState.Linked || f.tokens === null) return;
    const wall = this.port.wallSeconds();
    const rec = this.tokens.recordFrom(f.tokens!, wall, null);
    if (!this.persist(rec)) {
      // Never claim a link that a reboot would lose: the store's reason and the
      // board's storage_size name the limit instead (boards/ABI.md, Minimum sizes).
      const why = this.store.lastError + " (storage_size " + (this.store.slotSize() * 2).toString() + " bytes)";
      f.failAfterLink(why);
      this.note(LOG_ERROR, Note.LinkingStopped, why);
      return;
    }
    this.tokens.adopt(rec, now, wall, true);
    this.exchange.newSession(this.port.sessionId());
    this.reply = "";
    f.reset();
    this.note(LOG_INFO, Note.Linked, this.store.sequence.toString());
  }

  private onRefreshed(resp: HttpResponse, now: i64): void {
    const act = this.tokens.onResponse(resp, now, this.port.wallSeconds());
    if (act == TokenAction.Persist) {
      // Stored by the fw_tick that always follows (boards/ABI.md §4), once the answer's bytes are freed.
      return;
    } else if (act == TokenAction.Unlink) {
      // The screen shows a fault's code (render), the speaker only its category.
      this.wipe(this.tokens.reason.length > 0 ? this.tokens.reason : words(W.WhyUnknown));
      this.speech.push(words(W.WasUnlinked) + msg.spokenReason(this.tokens.reason));
    } else if (this.tokens.reason.length > 0) {
      this.port.log(LOG_WARN, this.tokens.reason);
    }
  }

  /** A refreshed record waiting in `tokens.pending`: its new refresh token reaches flash before the new access token is used. */
  private storeRefreshed(now: i64): void {
    if (this.tokens.pending === null) return;
    if (!this.persist(this.tokens.pending!)) {
      this.note(LOG_ERROR, Note.RefreshNotStored);
    }
    this.tokens.commit(now, this.port.wallSeconds());
    this.note(LOG_INFO, Note.RefreshStored, this.store.sequence.toString());
  }

  private onExchange(r: ExchangeResult, name: string, now: i64): void {
    const x = this.exchange;
    if (r == ExchangeResult.Answered) {
      this.speech.push(x.speech);
      this.reply = x.display.length > REPLY_MAX_CHARS ? x.display.substring(0, REPLY_MAX_CHARS) + "..." : x.display;
    } else if (r == ExchangeResult.Refresh) {
      this.tokens.refreshNow(now);
      this.note(LOG_INFO, Note.InvalidToken);
    } else if (r == ExchangeResult.Unauthorized) {
      this.wipe(words(W.WhyRejected));
      this.speech.push(words(W.NoLongerAuthorized));
    } else if (r == ExchangeResult.Failed) {
      // The backend's codes go to the log; the person hears words.
      this.note(LOG_WARN, Note.ActionError, name + ": " + cleanText(x.error, 120));
      this.answer(msg.actionFailureWords(x.failure, x.speech));
    }
  }

  private finishUnlinkIfDone(): void {
    const u = this.unlinker;
    if (!u.finished) return;
    const o = u.outcome;
    u.reset();
    if (o == UnlinkOutcome.Confirmed) {
      this.wipe(words(W.WhyUnlinked));
      this.speech.push(words(W.Unlinked));
      return;
    }
    this.wipe(words(o == UnlinkOutcome.NoEndpoint ? W.WhyNoEndpoint : (o == UnlinkOutcome.Refused ? W.WhyRefused : W.WhyUnreached)));
    this.speech.push(words(W.UnlinkedLocally));
  }

  /** Saves a record; the caller decides what a failure means. */
  private persist(rec: TokenRecord): bool {
    const rc = this.store.save(rec);
    if (rc == 0) return true;
    this.note(LOG_ERROR, Note.SaveFailed, rc.toString() + " " + this.store.lastError);
    return false;
  }

  private wipe(reason: string): void {
    this.exchange.cancel();
    this.reply = "";
    if (this.store.wipe() != 0) this.note(LOG_ERROR, Note.WipeFailed, this.store.lastError);
    this.tokens.clear(reason);
    this.flow.reset();
    this.unlinkedReason = reason;
  }
}

function earliest(a: i64, b: i64): i64 {
  if (a < 0) return b;
  if (b < 0) return a;
  return a < b ? a : b;
}
