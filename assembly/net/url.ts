// Just enough URL handling for endpoint checks (RFC 3986 §3): scheme,
// host, port and the rest. The host does the real parsing when it sends.

import { asciiLower } from "../text/case";
import { Fault, fault } from "../faults";
import { decimal } from "./decimal";

export class Url {
  scheme: string = "";
  host: string = "";
  port: string = "";
  path: string = "";
  valid: bool = false;
}

function isPrintableAscii(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Backslash is refused too: the WHATWG URL parser reads it as '/' in
    // http(s) URLs, so the host the board connects to could differ.
    if (c <= 0x20 || c >= 0x7f || c == 0x5c) return false;
  }
  return true;
}

function isDigit(c: i32): bool { return c >= 0x30 && c <= 0x39; }
/** a-z: a scheme and a host are lowercased before they are checked. */
function isLower(c: i32): bool { return c >= 0x61 && c <= 0x7a; }

/** RFC 3986 §3.1, of a lowercased scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
function isScheme(s: string): bool {
  if (s.length == 0 || !isLower(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isLower(c) && !isDigit(c) && c != 0x2b && c != 0x2d && c != 0x2e) return false;
  }
  return true;
}

/**
 * A host (lowercased) the device names exactly as every URL parser will: a DNS name of
 * letters, digits and '-' in non-empty labels whose last label is not
 * numeric and that are not IDNA A-labels ("xn--"), a canonical dotted quad,
 * or [::1]. Anything a WHATWG URL parser
 * would rewrite (percent-escapes, "127.1", "0x7f.1", "2130706433", IDNA,
 * other IPv6 spellings) is refused, so the checked host is the host used.
 */
function isPlainHost(host: string): bool {
  if (host == "[::1]") return true;
  if (isIpv4Literal(host)) return true;
  const n = host.length;
  if (n == 0 || n > 253) return false;
  // Labels are host[start, i), scanned in place.
  let start = 0;
  let numeric = true;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? host.charCodeAt(i) : 0x2e;
    if (c != 0x2e) {
      if (!isLower(c) && !isDigit(c) && c != 0x2d) return false;
      if (!isDigit(c)) numeric = false;
      continue;
    }
    const len = i - start;
    if (len == 0 || len > 63) return false;
    // An IDNA A-label is decoded and re-checked by WHATWG parsers (and may be
    // refused or shown as look-alike letters): not accepted for an endpoint.
    // (A prefix cannot reach past the label: the label ends with a '.'.)
    if (host.startsWith("xn--", start)) return false;
    // WHATWG: a host whose last label is a number (decimal or 0x…) is an IPv4 address.
    if (i == n && (numeric || host.startsWith("0x", start))) return false;
    start = i + 1;
    numeric = true;
  }
  return true;
}

export const URL_MAX_CHARS: i32 = 512;

export function parseUrl(s: string): Url {
  const u = new Url();
  const n = s.length;
  if (n == 0 || n > URL_MAX_CHARS || !isPrintableAscii(s)) return u;
  const sep = s.indexOf("://");
  if (sep <= 0) return u;
  u.scheme = asciiLower(s.substring(0, sep));
  if (!isScheme(u.scheme)) return u;
  // The authority is s[from, end): up to the first '/', '?' or '#' (RFC 3986 §3.2).
  const from = sep + 3;
  let end = from;
  while (end < n) {
    const c = s.charCodeAt(end);
    if (c == 0x2f || c == 0x3f || c == 0x23) break;
    end++;
  }
  u.path = s.substring(end);
  const at = s.indexOf("@", from);
  if (at >= 0 && at < end) return u; // credentials in a URL are refused
  // The host is s[from, hostEnd); a port follows a ':' there.
  let hostEnd = end;
  if (from < end && s.charCodeAt(from) == 0x5b) {
    const close = s.indexOf("]", from);
    if (close < 0 || close >= end) return u;
    hostEnd = close + 1;
    if (hostEnd < end && s.charCodeAt(hostEnd) != 0x3a) return u;
  } else {
    const colon = s.lastIndexOf(":", end - 1);
    if (colon >= from) hostEnd = colon;
  }
  u.host = asciiLower(s.substring(from, hostEnd));
  if (!isPlainHost(u.host)) return u;
  if (hostEnd < end) {
    u.port = s.substring(hostEnd + 1, end);
    // RFC 3986 §3.2.3 port, limited to what TCP has: 1-65535, no leading zeros.
    const len = end - hostEnd - 1;
    if (len == 0 || len > 5 || s.charCodeAt(hostEnd + 1) == 0x30) return u;
    const port = decimal(s, hostEnd + 1, end);
    if (port < 0 || port > 65535) return u;
  }
  u.valid = true;
  return u;
}

/** True for hosts that never leave the machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): bool {
  if (host == "localhost" || host == "[::1]") return true;
  return host.startsWith("127.") && isIpv4Literal(host);
}

/** A dotted-quad IPv4 literal in its one canonical form: four decimal parts 0-255, no leading zeros. */
export function isIpv4Literal(host: string): bool {
  let start = 0;
  let parts = 0;
  for (let i = 0; i <= host.length; i++) {
    if (i < host.length && host.charCodeAt(i) != 0x2e) continue;
    const len = i - start;
    if (++parts > 4 || len == 0 || len > 3) return false;
    if (len > 1 && host.charCodeAt(start) == 0x30) return false;
    const v = decimal(host, start, i);
    if (v < 0 || v > 255) return false;
    start = i + 1;
  }
  return parts == 4;
}

/**
 * An http(s) URL the device may send credentials to: https anywhere, plain
 * http only on loopback. "" when it may; otherwise the fault, with `name`
 * (the setting that holds the URL) as its argument.
 */
export function checkEndpoint(s: string, name: string = ""): string {
  const u = parseUrl(s);
  let f = Fault.UrlScheme;
  if (!u.valid) f = Fault.UrlInvalid;
  else if (u.scheme == "https") return "";
  else if (u.scheme == "http") {
    if (isLoopbackHost(u.host)) return "";
    f = Fault.UrlPlainHttp;
  }
  return fault(f, name);
}

/** The origin (scheme://host[:port]) and path of an issuer, for RFC 8414 discovery. */
export function wellKnownUrls(issuer: string): string[] {
  const u = parseUrl(issuer);
  let path = u.path;
  while (path.endsWith("/")) path = path.substring(0, path.length - 1);
  const origin = u.scheme + "://" + u.host + (u.port.length ? ":" + u.port : "");
  return [
    // OpenID Connect Discovery 1.0 §4: appended to the issuer.
    origin + path + "/.well-known/openid-configuration",
    // RFC 8414 §3.1: inserted between the host and the issuer's path.
    origin + "/.well-known/oauth-authorization-server" + path,
  ];
}
