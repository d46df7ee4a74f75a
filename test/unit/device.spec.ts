// The device coordinator with a fake Port and a virtual clock: refusals
// complete on the next pass, unlink reports only after every revocation was
// tried, LINK recovers a failed discovery, no busy loop, and what is shown
// and said (render) for answers and errors.
import { test, expect, expectEq, report } from "./harness";
import { Device } from "../../assembly/device";
import { SpinGuard } from "../../assembly/spin_guard";
import { DeviceState, stateName, deviceState } from "../../assembly/device_state";
import { DiscoveryState } from "../../assembly/auth/discovery";
import { LinkState } from "../../assembly/auth/device_flow";
import { TokenState } from "../../assembly/auth/tokens";
import { parseDeviceConfig } from "../../assembly/auth/config";
import { TokenStore } from "../../assembly/auth/store";
import { TokenRecord } from "../../assembly/auth/token_record";
import { loadActionTable } from "../../assembly/actions/table";
import { HttpResponse, NET_CONNECT_FAILED } from "../../assembly/net/http";
import { Frames, render, Views } from "../../assembly/ui/render";
import { SPIN_GUARD_MS } from "../../assembly/limits";
import * as msg from "../../assembly/ui/messages";
import { W, words } from "../../assembly/ui/words";
import { Fault, fault, faultOf } from "../../assembly/faults";
import { FakePort, FixedRng, RamFlash, XorSealer, EBUSY, json, SMALL_TABLE } from "./fakes";

const FULL = '{"issuer":"https://as.example","client_id":"tv-1","device_authorization_endpoint":"https://as.example/device",' +
  '"token_endpoint":"https://as.example/token","revocation_endpoint":"https://as.example/revoke",' +
  '"backend":"https://play.example/api","invalidate_endpoint":"https://play.example/invalidate"}';
const ISSUER_ONLY = '{"issuer":"https://as.example","client_id":"tv-1","backend":"https://play.example/api"}';
const DOC = '{"issuer":"https://as.example","device_authorization_endpoint":"https://as.example/device",' +
  '"token_endpoint":"https://as.example/token","revocation_endpoint":"https://as.example/revoke"}';
const CODE = '{"device_code":"DC","user_code":"WDJBMJHT","verification_uri":"https://as.example/activate","expires_in":600,"interval":5}';
const TOKENS = '{"access_token":"AT-2","refresh_token":"RT-2","token_type":"Bearer","expires_in":3600}';
const OK = '{"version":"2.0","resultCode":"OK","output":{"speech":"You are alice.","display":"Signed in as alice\\nsince today"}}';

class Rig {
  port: FakePort = new FakePort();
  flash: RamFlash = new RamFlash();
  device!: Device;
  now: i64 = 0;
  constructor(config: string, linked: bool) {
    const store = new TokenStore(this.flash, new XorSealer());
    if (linked) {
      const r = new TokenRecord();
      r.accessToken = "AT-1";
      r.refreshToken = "RT-1";
      r.tokenType = "Bearer";
      r.issuer = "https://as.example";
      r.clientId = "tv-1";
      r.lifetimeS = 3600;
      r.obtainedAtWall = this.port.wall;
      r.expiresAtWall = this.port.wall + 3600;
      store.save(r);
    }
    this.device = new Device(parseDeviceConfig(config), loadActionTable(SMALL_TABLE).table, "", store, this.port, new FixedRng(0), "tv");
    this.device.boot(0);
  }
  tick(): i64 {
    return this.device.tick(this.now);
  }
  answer(resp: HttpResponse): void {
    this.device.onResponse(this.port.lastId(), resp, this.now);
  }
  sentTo(part: string): i32 {
    let n = 0;
    for (let i = 0; i < this.port.sent.length; i++) if (this.port.sent[i].url.indexOf(part) >= 0) n++;
    return n;
  }
  said(part: string): bool {
    const s = this.device.speech;
    for (let i = 0; i < s.length; i++) if (s[i].indexOf(part) >= 0) return true;
    return false;
  }
  /** "who am i" answered 401 invalid_token (RFC 6750 §3.1): the refresh it starts is the last request. Returns that 401. */
  actionRejected(): HttpResponse {
    this.tick();
    this.device.onUtterance("who am i", this.now);
    this.tick();
    const bad = json(401, "");
    bad.wwwAuthenticate = 'Bearer error="invalid_token"';
    this.answer(bad);
    this.tick();
    expectEq<string>(this.port.last().url, "https://as.example/token", "refresh sent");
    return bad;
  }
}

test("device state names are the board's state_set names", () => {
  expectEq<string>(stateName(DeviceState.Booting), "booting", "booting");
  expectEq<string>(stateName(DeviceState.AwaitingApproval), "awaiting_approval", "awaiting_approval");
  expectEq<string>(stateName(DeviceState.CodeExpired), "code_expired", "code_expired");
  expectEq<string>(stateName(DeviceState.Unlinking), "unlinking", "unlinking");
  expectEq<string>(stateName(DeviceState.Error), "error", "error");
});

/** What the controllers say, by name: deviceState's inputs. */
class ControllerStates {
  configOk: bool = false;
  discovery: DiscoveryState = DiscoveryState.Idle;
  flow: LinkState = LinkState.Unlinked;
  linked: bool = false;
  tokens: TokenState = TokenState.None;
  unlinking: bool = false;
  state(): DeviceState {
    return deviceState(this.configOk, this.unlinking, this.linked, this.discovery, this.flow, this.tokens);
  }
}

test("device state comes from the controllers, never from what was shown last", () => {
  const c = new ControllerStates();
  c.configOk = true;
  c.discovery = DiscoveryState.Backoff;
  expectEq<i32>(c.state(), DeviceState.Backoff, "discovery backoff while unlinked");
  c.discovery = DiscoveryState.Fetching;
  expectEq<i32>(c.state(), DeviceState.RequestingCode, "discovery fetching: the code comes next");
  c.discovery = DiscoveryState.Done;
  c.flow = LinkState.AwaitingApproval;
  expectEq<i32>(c.state(), DeviceState.AwaitingApproval, "flow state");
  c.linked = true;
  c.tokens = TokenState.Refreshing;
  expectEq<i32>(c.state(), DeviceState.Refreshing, "tokens refreshing");
  c.unlinking = true;
  expectEq<i32>(c.state(), DeviceState.Unlinking, "unlinking wins");
  c.configOk = false;
  expectEq<i32>(c.state(), DeviceState.Error, "a bad config wins");
});

test("a refused request completes on the next pass, never inside send()", () => {
  const r = new Rig(FULL, false);
  r.port.refuseNext = 1;
  r.tick(); // the code request is refused
  expectEq<i32>(r.port.refusals, 1, "refused once");
  expectEq<i32>(r.device.flow.state, LinkState.RequestingCode, "nothing decided inside the refused send");
  expectEq<i64>(r.device.nextDeadline(r.now), r.now, "the next pass is due at once");
  r.tick();
  expectEq<i32>(r.device.flow.state, LinkState.Backoff, "completed as a failed connection on the next pass");
});

test("EBUSY during unlink: both revocations are sent before the outcome is reported", () => {
  const r = new Rig(FULL, true);
  r.tick();
  r.port.refuseUrl = "/invalidate";
  r.device.unlink(r.now);
  expect(!r.said("unlinked"), "nothing said at the press");
  r.tick(); // invalidate refused
  expect(!r.said("unlinked"), "nothing said after the refusal");
  expectEq<i32>(r.device.state(), DeviceState.Unlinking, "still unlinking");
  r.tick(); // refusal delivered, refresh token revocation goes out
  expectEq<i32>(r.sentTo("/revoke"), 1, "refresh token revocation sent");
  expect(r.port.last().body.indexOf("refresh_token") >= 0, "refresh token first");
  expect(!r.said("unlinked"), "no outcome before the second revocation");
  r.answer(HttpResponse.of(200, ""));
  r.tick();
  expectEq<i32>(r.sentTo("/revoke"), 2, "access token revocation sent");
  expect(r.port.last().body.indexOf("access_token") >= 0, "access token second");
  expect(!r.said("unlinked"), "still no outcome");
  r.answer(HttpResponse.of(200, ""));
  expect(r.said(words(W.UnlinkedLocally)), "then: the server could not be told (the invalidate never went out)");
  expectEq<i32>(r.device.state(), DeviceState.Unlinked, "unlinked");
  const v = r.device.views(DeviceState.Unlinked);
  expectEq<string>(v.reason, words(W.WhyUnreached), "reason says the server was not reached");
});

test("EBUSY on the first revocation: the access token revocation still goes out before the outcome", () => {
  const r = new Rig(FULL.replace(',"invalidate_endpoint":"https://play.example/invalidate"', ""), true);
  r.tick();
  r.device.unlink(r.now);
  r.port.refuseNext = 1;
  r.tick(); // refresh revocation refused
  expectEq<i32>(r.sentTo("/revoke"), 0, "nothing went out yet");
  r.tick(); // delivered; access token revocation sent
  expectEq<i32>(r.sentTo("/revoke"), 1, "the access token revocation went out");
  expect(r.port.last().body.indexOf("access_token") >= 0, "access token");
  expect(!r.said("unlinked"), "no outcome yet");
  r.answer(HttpResponse.of(200, ""));
  expect(r.said(words(W.UnlinkedLocally)), "outcome after both");
});

test("unlink wording: reachable and confirming, unreachable, refusing", () => {
  const ok = new Rig(FULL, true);
  ok.tick();
  ok.device.unlink(0);
  for (let i = 0; i < 3; i++) {
    ok.tick();
    ok.answer(ok.port.last().url.indexOf("invalidate") >= 0 ? json(200, '{"ok":true}') : HttpResponse.of(200, ""));
  }
  expect(ok.said(words(W.Unlinked)), "confirmed: now unlinked");
  expectEq<string>(ok.device.views(DeviceState.Unlinked).reason, words(W.WhyUnlinked), "reason");
  expect(ok.device.tokens.record === null, "tokens forgotten");

  const down = new Rig(FULL, true);
  down.tick();
  down.device.unlink(0);
  for (let i = 0; i < 3; i++) {
    down.tick();
    down.answer(HttpResponse.of(NET_CONNECT_FAILED, ""));
  }
  expect(down.said(words(W.UnlinkedLocally)), "unreachable: said so");
  expectEq<string>(down.device.views(DeviceState.Unlinked).reason, words(W.WhyUnreached), "unreachable reason");

  const no = new Rig(FULL, true);
  no.tick();
  no.device.unlink(0);
  for (let i = 0; i < 3; i++) {
    no.tick();
    no.answer(json(400, '{"error":"unsupported_token_type"}'));
  }
  expectEq<string>(no.device.views(DeviceState.Unlinked).reason, words(W.WhyRefused), "refusing reason");
  expectEq<i32>(no.device.state(), DeviceState.Unlinked, "wiped anyway");
});

test("issue: a failed discovery is recovered with LINK once the server is fixed", () => {
  const r = new Rig(ISSUER_ONLY, false);
  r.tick();
  expectEq<i32>(r.sentTo("openid-configuration"), 1, "discovery sent");
  r.answer(json(200, DOC.replace('"issuer":"https://as.example"', '"issuer":"https://other.example"')));
  r.tick();
  expectEq<i32>(r.device.state(), DeviceState.Error, "error");
  expectEq<string>(r.device.views(DeviceState.Error).reason, fault(Fault.IssuerMismatch), "reason given");
  expectEq<i32>(r.port.sent.length, 1, "no POST to an empty URL");
  r.device.onButton(1, r.now);
  r.tick();
  expectEq<i32>(r.sentTo("openid-configuration"), 2, "LINK runs discovery again");
  r.answer(json(200, DOC));
  r.tick();
  expectEq<string>(r.port.last().url, "https://as.example/device", "then asks for a code at the discovered endpoint");
  expectEq<i32>(r.device.state(), DeviceState.RequestingCode, "requesting a code");
});

test("issue: discovery retry due while an action is in flight is sent; no deadline in the past twice", () => {
  const r = new Rig(ISSUER_ONLY, true);
  r.tick();
  r.answer(json(500, ""));
  r.tick();
  expectEq<i32>(r.device.discovery.state, DiscoveryState.Backoff, "discovery backs off");
  r.device.onUtterance("who am i", r.now);
  r.tick();
  expectEq<i32>(r.sentTo("/WhoAmI"), 1, "action in flight");
  const actionId = r.port.lastId();
  let pastTwice = false;
  let lastWasPast = false;
  for (let i = 0; i < 50; i++) {
    const next = r.device.nextDeadline(r.now);
    if (next < 0) break;
    r.now = next;
    const ret = r.tick();
    const past = ret >= 0 && ret <= r.now;
    if (past && lastWasPast) pastTwice = true;
    lastWasPast = past;
    if (r.sentTo("openid-configuration") >= 2) break;
  }
  expectEq<i32>(r.sentTo("openid-configuration"), 2, "the discovery retry went out with the action in flight");
  expect(!pastTwice, "never a past deadline twice in a row");
  r.device.onResponse(actionId, json(200, OK), r.now);
  expect(r.said("You are alice."), "the action is still answered");
});

test("spin guard: a past deadline without progress is pushed out once, with progress it is kept", () => {
  const g = new SpinGuard();
  expectEq<i64>(g.check(100, 100, 1), 100, "first past deadline kept");
  expectEq<i64>(g.check(100, 100, 1), 100 + SPIN_GUARD_MS, "second without progress pushed out");
  expectEq<i64>(g.check(400, 390, 2), 390, "progress: kept");
  expectEq<i64>(g.check(400, 400, 3), 400, "progress again: kept");
  expectEq<i64>(g.check(400, 500, 3), 500, "a future deadline is never changed");
  expectEq<i64>(g.check(400, -1, 3), -1, "no deadline stays none");
});

test("401 → one refresh at the token endpoint → one retry with the new token, through the coordinator", () => {
  const r = new Rig(FULL, true);
  const bad = r.actionRejected();
  expect(r.port.last().body.indexOf("grant_type=refresh_token") >= 0, "RFC 6749 §6 refresh");
  r.answer(json(200, TOKENS));
  r.tick();
  expectEq<i32>(r.sentTo("/WhoAmI"), 2, "sent again once");
  expect(r.port.last().headers.indexOf("Bearer AT-2") >= 0, "with the new token");
  r.answer(bad);
  r.tick();
  expectEq<i32>(r.sentTo("/WhoAmI"), 2, "no third send");
  expectEq<i32>(r.sentTo("/token"), 1, "no second refresh");
  expectEq<i32>(r.device.state(), DeviceState.Unlinked, "second 401: unlinked");
  expect(r.said(words(W.NoLongerAuthorized)), "and said why");
});

test("an action waits for a refresh already in flight and goes with the new token", () => {
  const r = new Rig(FULL, true);
  r.tick();
  r.device.onUtterance("who am i", r.now);
  r.tick();
  const bad = json(401, "");
  bad.wwwAuthenticate = 'Bearer error="invalid_token"';
  r.answer(bad);
  r.tick(); // refresh in flight
  const refreshId = r.port.lastId();
  r.now += 1000;
  r.tick();
  expectEq<i32>(r.sentTo("/WhoAmI"), 1, "not resent while the refresh is in flight");
  r.device.onResponse(refreshId, json(200, TOKENS), r.now);
  r.tick();
  expectEq<i32>(r.sentTo("/WhoAmI"), 2, "resent once the new token is in use");
});

test("render: every reply shows on screen with its line breaks; the code is said; reasons are never empty", () => {
  const r = new Rig(FULL, true);
  r.tick();
  r.device.onUtterance("sing me a song", r.now);
  const s = r.device.state();
  let f = render(s, s, r.device.views(s), r.now);
  expect(f.model.lines.includes(words(W.NotUnderstood)), "didn't get that is on screen");
  r.device.onUtterance("who am i", r.now);
  r.tick();
  r.answer(json(200, OK));
  f = render(s, s, r.device.views(s), r.now);
  expect(f.model.lines.includes("Signed in as alice"), "first line of the answer");
  expect(f.model.lines.includes("since today"), "second line kept apart");
  const v = new Views();
  v.reason = "";
  f = render(DeviceState.Booting, DeviceState.Error, v, 0);
  expect(f.model.lines[0].length > 0, "an error always has words on screen");
  expect(f.onEnter.length > words(W.CannotLink).length, "and in speech: " + f.onEnter);
  const c = new Views();
  c.userCode = "WDJBMJHT";
  c.verificationUri = "https://as.example/activate";
  c.expiresAtMs = 60000;
  f = render(DeviceState.RequestingCode, DeviceState.AwaitingApproval, c, 0);
  expectEq<string>(f.model.userCode, "WDJB-MJHT", "grouped code on screen");
  expect(f.code.indexOf("W as in") >= 0 || f.code.indexOf("W") >= 0, "the code is spelled for a speaker");
  expect(f.codeKey.length > 0, "a key to say it once");
});

test("Frames: an unchanged state and views make no new frame; any change, a countdown or a state entered does", () => {
  const frames = new Frames();
  const linked = (reply: string): Views => {
    const v = new Views();
    v.reply = reply;
    return v;
  };
  const L = DeviceState.Linked;
  expect(frames.next(L, L, linked("Signed in as alice"), 0) !== null, "the first frame is rendered");
  expect(frames.next(L, L, linked("Signed in as alice"), 5000) === null, "equal views (other objects), same state: none");
  const f = frames.next(L, L, linked("Signed in as bob"), 6000);
  expect(f !== null && f.model.lines.includes("Signed in as bob"), "a new reply is rendered");
  const e = frames.next(DeviceState.Refreshing, L, linked("Signed in as bob"), 7000);
  expect(e !== null, "a state not yet shown is rendered, though the views are equal");
  const r = linked("Signed in as bob");
  r.reason = "E305 503";
  expect(frames.next(L, L, r, 8000) !== null, "any field of the views counts");
  const c = new Views();
  c.userCode = "WDJBMJHT";
  c.verificationUri = "https://as.example/activate";
  c.expiresAtMs = 600000;
  const A = DeviceState.AwaitingApproval;
  expect(frames.next(L, A, c, 0) !== null, "a code screen");
  const again = frames.next(A, A, c, 60000);
  expect(again !== null && again.model.countdown != frames.next(A, A, c, 0)!.model.countdown, "a code screen is rendered every time: its countdown reads the clock");
  // The device fills one Views in place: a change to that same object is a change.
  const same = linked("Signed in as carol");
  expect(frames.next(L, L, same, 9000) !== null, "new views");
  expect(frames.next(L, L, same, 9500) === null, "the same object, unchanged");
  same.reply = "Signed in as dave";
  const d = frames.next(L, L, same, 10000);
  expect(d !== null && d.model.lines.includes("Signed in as dave"), "the same object, changed in place, is rendered");
});

test("refresh refused with invalid_client: unlinked, the code on screen, only words said", () => {
  const r = new Rig(FULL, true);
  r.actionRejected();
  r.answer(json(400, '{"error":"invalid_client"}'));
  r.tick();
  expectEq<i32>(r.device.state(), DeviceState.Unlinked, "RFC 6749 §5.2 invalid_client ends the link");
  expect(r.said(words(W.WasUnlinked)), "said that it was unlinked");
  expect(!r.said("invalid_client") && !r.said("(E"), "no code said");
  const s = r.device.state();
  const lines = render(s, s, r.device.views(s), r.now).model.lines;
  expect(lines.length > 0 && lines[0].indexOf("invalid_client)") > 0, "the code on screen: " + (lines.length > 0 ? lines[0] : ""));
});

test("render: a fault shows its category and code on screen, and only the category is said", () => {
  expectEq<i32>(faultOf("E301 invalid_client"), 301, "number before the argument");
  expectEq<i32>(faultOf("E204"), 204, "number alone");
  expectEq<i32>(faultOf("Error 301"), 0, "words are not a fault");
  expectEq<i32>(faultOf("E1234"), 0, "at most three digits");
  expectEq<i32>(faultOf("E"), 0, "no number");
  const v = new Views();
  v.reason = "E301 invalid_client";
  const f = render(DeviceState.Booting, DeviceState.Error, v, 0);
  const line = f.model.lines[0];
  expect(line.endsWith(" (E301 invalid_client)"), "the code closes the line: " + line);
  expect(line.length > "(E301 invalid_client)".length + 10, "after a sentence: " + line);
  expect(f.onEnter.indexOf("E301") < 0 && f.onEnter.indexOf("invalid_client") < 0, "the code is not said: " + f.onEnter);
  expect(f.onEnter.length > words(W.CannotLink).length + 10, "a sentence is: " + f.onEnter);
  v.reason = "Plain words.";
  expectEq<string>(render(DeviceState.Booting, DeviceState.Error, v, 0).model.lines[0], "Plain words.", "words as they are");
});

test("render: an action refused by the service is said without its code", () => {
  const r = new Rig(FULL, true);
  r.tick();
  r.device.onUtterance("who am i", r.now);
  r.tick();
  r.answer(json(200, '{"version":"2.0","resultCode":"ORDER_NOT_FOUND","output":{"speech":"No such order."}}'));
  expect(r.said(words(W.FailRefused) + " No such order."), "words only");
  expect(!r.said("ORDER_NOT_FOUND"), "no code spoken");
  expect(r.port.loggedText().indexOf("ORDER_NOT_FOUND") >= 0, "the code is in the log");
  expectEq<string>(r.device.reply, words(W.FailRefused) + " No such order.", "and on screen");
});

test("render: without a usable action table the category is said and the code shown", () => {
  const why = loadActionTable('{"version":1,"actions":[{"name":"A","patterns":["hi {n}"]}]}').error;
  expectEq<string>(why, fault(Fault.SlotUndeclared, "A 1"), "the table's fault");
  const d = new Device(parseDeviceConfig(FULL), null, why, new TokenStore(new RamFlash(), new XorSealer()), new FakePort(), new FixedRng(0), "tv");
  d.boot(0);
  d.onUtterance("who am i", 0);
  const said = d.speech.length > 0 ? d.speech[d.speech.length - 1] : "";
  expectEq<string>(said, words(W.NoActions) + msg.spokenReason(why), "the category is said");
  expect(said.indexOf("E522") < 0, "no code spoken: " + said);
  expectEq<string>(d.reply, words(W.NoActions) + msg.reasonOr(why), "the category and the code on screen");
  expect(d.reply.indexOf("(E522 A 1)") >= 0, "the code is shown: " + d.reply);
});

test("LINK while linked says so and sends nothing; the action button asks for the code again", () => {
  const r = new Rig(FULL, true);
  r.tick();
  const n = r.port.sent.length;
  r.device.onButton(1, r.now);
  r.tick();
  expect(r.said(words(W.AlreadyLinked)), "already linked");
  expectEq<i32>(r.port.sent.length, n, "nothing sent");
  const before = r.device.codeRepeat;
  r.device.onButton(3, r.now);
  expectEq<i32>(r.device.codeRepeat, before + 1, "code said again");
});

test("linking end to end: code, poll, tokens stored, a new session", () => {
  const r = new Rig(FULL, false);
  r.tick();
  r.answer(json(200, CODE));
  // The countdown redraws every second; the first poll is due after the interval (RFC 8628 §3.5).
  while (r.port.last().url != "https://as.example/token" && r.now < 5000) {
    r.now = r.device.nextDeadline(r.now);
    r.tick();
  }
  expectEq<string>(r.port.last().url, "https://as.example/token", "poll");
  expect(r.now >= 5000, "not before the interval");
  r.answer(json(200, TOKENS));
  // Nothing is claimed before the tokens reach flash: that happens on the tick that follows every completion.
  expect(r.device.tokens.record === null, "not adopted before it is stored");
  r.tick();
  expectEq<i32>(r.device.state(), DeviceState.Linked, "linked");
  expect(r.device.tokens.record !== null, "record adopted");
  expectEq<string>(r.device.exchange.sessionId, "session-2", "a new backend session after linking");
  const again = new TokenStore(r.flash, new XorSealer()).load();
  expect(again !== null && again.accessToken == "AT-2", "stored in flash");
});

report();
