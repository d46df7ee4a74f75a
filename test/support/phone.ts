// The person's phone, without a browser: plain HTTP with a cookie jar.
//
// It walks the authorization server's pages the way a person would: open the
// verification URI, type the user code, confirm the device, sign in with the
// development login (any name), grant consent, and land on the success page.
// Every step checks that the page is the one expected and throws a clear
// error otherwise.

export interface PhoneOptions {
  /** User name for the development login. Default "alice". */
  user?: string;
  /** Password for the development login (any value is accepted). */
  password?: string;
  /** Receives one line per HTTP exchange. */
  log?: (line: string) => void;
}

export interface DenyOptions extends PhoneOptions {
  /**
   * Where the person refuses: "confirm" presses [ Abort ] on the device
   * confirmation page (default); "login" and "consent" follow the [ Cancel ]
   * link on the sign-in or consent page.
   */
  at?: "confirm" | "login" | "consent";
}

interface Cookie {
  name: string;
  value: string;
  path: string;
  expires?: number; // Date.now() ms
}

class CookieJar {
  private cookies: Cookie[] = [];

  store(setCookies: string[], requestUrl: URL): void {
    for (const line of setCookies) {
      const parts = line.split(";").map((p) => p.trim());
      const first = parts.shift() ?? "";
      const eq = first.indexOf("=");
      if (eq <= 0) continue;
      const name = first.slice(0, eq).trim();
      const value = first.slice(eq + 1).trim();
      let path = requestUrl.pathname.replace(/\/[^/]*$/, "") || "/";
      let expires: number | undefined;
      for (const attr of parts) {
        const i = attr.indexOf("=");
        const k = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
        const v = i < 0 ? "" : attr.slice(i + 1).trim();
        if (k === "path" && v.startsWith("/")) path = v;
        else if (k === "max-age") expires = Date.now() + Number(v) * 1000;
        else if (k === "expires" && expires === undefined) {
          const t = Date.parse(v);
          if (!Number.isNaN(t)) expires = t;
        }
      }
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
      if (expires !== undefined && expires <= Date.now()) continue; // deletion
      this.cookies.push({ name, value, path, expires });
    }
  }

  header(url: URL): string {
    const now = Date.now();
    this.cookies = this.cookies.filter((c) => c.expires === undefined || c.expires > now);
    const p = url.pathname;
    return this.cookies
      .filter((c) => c.path === "/" || p === c.path || p.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
  }
}

interface Page {
  url: URL;
  status: number;
  html: string;
}

interface Form {
  id?: string;
  action: string;
  method: string;
  fields: [string, string][];
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  const inner = tag.replace(/^<\s*[a-zA-Z]+/, "").replace(/\/?>$/, "");
  let m: RegExpExecArray | null;
  while ((m = re.exec(inner))) {
    out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return out;
}

function parseForms(html: string): Form[] {
  const forms: Form[] = [];
  const re = /<form\b[^>]*>([\s\S]*?)<\/form>/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    const open = m[0].match(/^<form\b[^>]*>/i)![0];
    const a = attrs(open);
    const fields: [string, string][] = [];
    const inputRe = /<input\b[^>]*>/gi;
    let im: RegExpExecArray | null;
    while ((im = inputRe.exec(m[1]))) {
      const ia = attrs(im[0]);
      if (!ia.name) continue;
      fields.push([ia.name, ia.value ?? ""]);
    }
    forms.push({ id: a.id, action: a.action ?? "", method: (a.method ?? "get").toLowerCase(), fields });
  }
  return forms;
}

function titleOf(html: string): string {
  const m = html.match(/<title>([\s\S]*?)<\/title>/i);
  return m ? decodeEntities(m[1].trim()) : "";
}

function describe(p: Page): string {
  const text = p.html
    .replace(/<style[\s\S]*?<\/style>/gi, "")
    .replace(/<script[\s\S]*?<\/script>/gi, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 300);
  return `HTTP ${p.status} ${p.url.href} title=${JSON.stringify(titleOf(p.html))} text=${JSON.stringify(text)}`;
}

class Browser {
  private jar = new CookieJar();
  constructor(private log: (line: string) => void) {}

  private async request(method: string, url: URL, body?: URLSearchParams): Promise<Response> {
    const headers: Record<string, string> = { accept: "text/html" };
    const cookie = this.jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (body) headers["content-type"] = "application/x-www-form-urlencoded";
    // A page that never answers fails the step clearly instead of hanging the test.
    const res = await fetch(url, { method, headers, body: body?.toString(), redirect: "manual", signal: AbortSignal.timeout(20000) });
    this.jar.store(res.headers.getSetCookie(), url);
    this.log(`phone: ${method} ${url.pathname}${url.search} -> ${res.status}`);
    return res;
  }

  /** Sends a request and follows redirects like a browser (303/302 become GET). */
  async navigate(method: string, url: URL, body?: URLSearchParams): Promise<Page> {
    let current = url;
    let m = method;
    let b = body;
    for (let hops = 0; hops < 20; hops++) {
      const res = await this.request(m, current, b);
      if (res.status >= 300 && res.status < 400 && res.headers.get("location")) {
        await res.arrayBuffer();
        current = new URL(res.headers.get("location")!, current);
        if (res.status !== 307 && res.status !== 308) {
          m = "GET";
          b = undefined;
        }
        continue;
      }
      return { url: current, status: res.status, html: await res.text() };
    }
    throw new Error(`phone: too many redirects starting at ${url.href}`);
  }

  async submit(p: Page, form: Form, extra: [string, string][] = []): Promise<Page> {
    const body = new URLSearchParams();
    for (const [k, v] of form.fields) body.append(k, v);
    for (const [k, v] of extra) {
      if (body.has(k)) body.set(k, v);
      else body.append(k, v);
    }
    const action = new URL(form.action || p.url.href, p.url);
    if (form.method === "post") return this.navigate("POST", action, body);
    for (const [k, v] of body) action.searchParams.set(k, v);
    return this.navigate("GET", action);
  }
}

function findForm(p: Page, pred: (f: Form) => boolean): Form | undefined {
  return parseForms(p.html).find(pred);
}

const field = (f: Form, name: string) => f.fields.find(([k]) => k === name)?.[1];

const isCodeInput = (p: Page) => findForm(p, (f) => f.id === "op.deviceInputForm");
const isCodeConfirm = (p: Page) => findForm(p, (f) => f.id === "op.deviceConfirmForm");
const isAutoPost = (p: Page) =>
  /Submitting Callback/i.test(titleOf(p.html)) ? findForm(p, (f) => f.method === "post") : undefined;
const isLogin = (p: Page) => findForm(p, (f) => field(f, "prompt") === "login");
const isConsent = (p: Page) => findForm(p, (f) => field(f, "prompt") === "consent");
const isSuccess = (p: Page) => p.status === 200 && /Sign-in Success/i.test(titleOf(p.html));

function cancelLink(p: Page): URL | undefined {
  const m = p.html.match(/<a\b[^>]*href="([^"]*\/abort)"[^>]*>/i);
  return m ? new URL(decodeEntities(m[1]), p.url) : undefined;
}

function codeError(p: Page): string | undefined {
  const m = p.html.match(/<p class="red"[^>]*>([\s\S]*?)<\/p>/i);
  return m ? decodeEntities(m[1].replace(/<[^>]+>/g, "").trim()) : undefined;
}

/** From the user-code input page (or its auto-submitting variant) to the confirm page. */
async function enterCode(b: Browser, first: Page, userCode: string | undefined): Promise<Page> {
  let p = first;
  const auto = isAutoPost(p);
  if (auto) {
    p = await b.submit(p, auto);
  } else {
    const input = isCodeInput(p);
    if (!input) throw new Error(`phone: expected the user code entry page, got ${describe(p)}`);
    if (userCode === undefined) throw new Error("phone: no user code to type");
    p = await b.submit(p, input, [["user_code", userCode]]);
  }
  if (!isCodeConfirm(p)) {
    const err = isCodeInput(p) ? codeError(p) : undefined;
    if (err) throw new Error(`phone: the user code was not accepted: ${err}`);
    throw new Error(`phone: expected the device confirmation page, got ${describe(p)}`);
  }
  return p;
}

async function finishApproval(b: Browser, confirmPage: Page, o: PhoneOptions): Promise<void> {
  const confirm = isCodeConfirm(confirmPage)!;
  let p = await b.submit(confirmPage, confirm);
  const user = o.user ?? "alice";
  let loggedIn = false;
  let consented = false;
  for (let step = 0; step < 6; step++) {
    if (isSuccess(p)) return;
    const login = isLogin(p);
    if (login) {
      if (loggedIn) throw new Error(`phone: sign-in was asked for twice: ${describe(p)}`);
      loggedIn = true;
      p = await b.submit(p, login, [
        ["login", user],
        ["password", o.password ?? "any-password"],
      ]);
      continue;
    }
    const consent = isConsent(p);
    if (consent) {
      if (consented) throw new Error(`phone: consent was asked for twice: ${describe(p)}`);
      consented = true;
      p = await b.submit(p, consent);
      continue;
    }
    throw new Error(`phone: expected sign-in, consent or the success page, got ${describe(p)}`);
  }
  throw new Error(`phone: did not reach the success page, last page ${describe(p)}`);
}

/**
 * Opens `verificationUri`, types `userCode`, confirms, signs in as
 * `opts.user` (default "alice"), grants consent and checks the success page.
 */
export async function approve(verificationUri: string, userCode: string, opts: PhoneOptions = {}): Promise<void> {
  const b = new Browser(opts.log ?? (() => {}));
  const first = await b.navigate("GET", new URL(verificationUri));
  const confirmPage = await enterCode(b, first, userCode);
  await finishApproval(b, confirmPage, opts);
}

/** Same as approve(), starting from verification_uri_complete (the code is prefilled). */
export async function approveComplete(verificationUriComplete: string, opts: PhoneOptions = {}): Promise<void> {
  const b = new Browser(opts.log ?? (() => {}));
  const url = new URL(verificationUriComplete);
  const first = await b.navigate("GET", url);
  const confirmPage = await enterCode(b, first, url.searchParams.get("user_code") ?? undefined);
  await finishApproval(b, confirmPage, opts);
}

/**
 * Opens `verificationUri`, types `userCode` and refuses (by default with
 * [ Abort ] on the confirmation page), so the device gets access_denied.
 */
export async function deny(verificationUri: string, userCode: string, opts: DenyOptions = {}): Promise<void> {
  const b = new Browser(opts.log ?? (() => {}));
  const first = await b.navigate("GET", new URL(verificationUri));
  const confirmPage = await enterCode(b, first, userCode);
  const at = opts.at ?? "confirm";
  let p: Page;
  if (at === "confirm") {
    p = await b.submit(confirmPage, isCodeConfirm(confirmPage)!, [["abort", "yes"]]);
  } else {
    p = await b.submit(confirmPage, isCodeConfirm(confirmPage)!);
    const login = isLogin(p);
    if (!login) throw new Error(`phone: expected the sign-in page, got ${describe(p)}`);
    if (at === "consent") {
      p = await b.submit(p, login, [
        ["login", opts.user ?? "alice"],
        ["password", opts.password ?? "any-password"],
      ]);
      if (!isConsent(p)) throw new Error(`phone: expected the consent page, got ${describe(p)}`);
    }
    const cancel = cancelLink(p);
    if (!cancel) throw new Error(`phone: no [ Cancel ] link on ${describe(p)}`);
    p = await b.navigate("GET", cancel);
  }
  if (isSuccess(p)) throw new Error(`phone: refusing ended on the success page: ${describe(p)}`);
  const input = isCodeInput(p);
  const msg = input ? codeError(p) : undefined;
  if (!msg || !/interrupted|denied|abort/i.test(msg)) {
    throw new Error(`phone: expected the "request was interrupted" page after refusing, got ${describe(p)}`);
  }
}

/**
 * Opens `verificationUri`, types `userCode`, confirms the device and then
 * closes the page at the sign-in step, as a person who gives up half way.
 */
export async function abandon(verificationUri: string, userCode: string, opts: PhoneOptions = {}): Promise<void> {
  const b = new Browser(opts.log ?? (() => {}));
  const first = await b.navigate("GET", new URL(verificationUri));
  const confirmPage = await enterCode(b, first, userCode);
  const p = await b.submit(confirmPage, isCodeConfirm(confirmPage)!);
  if (!isLogin(p)) throw new Error(`phone: expected the sign-in page after confirming, got ${describe(p)}`);
}
