// Just enough URL handling for endpoint checks (RFC 3986 §3): scheme,
// host, port and the rest. The host does the real parsing when it sends.

import { asciiLower } from "../text/case";

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
function isAlpha(c: i32): bool { return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a); }

/** RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
function isScheme(s: string): bool {
  if (s.length == 0 || !isAlpha(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isAlpha(c) && !isDigit(c) && c != 0x2b && c != 0x2d && c != 0x2e) return false;
  }
  return true;
}

/** A dotted-quad IPv4 address in canonical form: four decimal parts 0-255, no leading zeros. */
function isCanonicalIpv4(host: string): bool {
  const parts = host.split(".");
  if (parts.length != 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (p.length == 0 || p.length > 3) return false;
    for (let j = 0; j < p.length; j++) if (!isDigit(p.charCodeAt(j))) return false;
    if (p.length > 1 && p.charCodeAt(0) == 0x30) return false;
    if (I32.parseInt(p) > 255) return false;
  }
  return true;
}

/**
 * A host the device names exactly as every URL parser will: a DNS name of
 * letters, digits and '-' in non-empty labels whose last label is not
 * numeric and that are not IDNA A-labels ("xn--"), a canonical dotted quad,
 * or [::1]. Anything a WHATWG URL parser
 * would rewrite (percent-escapes, "127.1", "0x7f.1", "2130706433", IDNA,
 * other IPv6 spellings) is refused, so the checked host is the host used.
 */
function isPlainHost(host: string): bool {
  if (host == "[::1]") return true;
  if (isCanonicalIpv4(host)) return true;
  if (host.length == 0 || host.length > 253) return false;
  const labels = host.split(".");
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l.length == 0 || l.length > 63) return false;
    // An IDNA A-label is decoded and re-checked by WHATWG parsers (and may be
    // refused or shown as look-alike letters): not accepted for an endpoint.
    if (l.length >= 4 && asciiLower(l.substring(0, 4)) == "xn--") return false;
    for (let j = 0; j < l.length; j++) {
      const c = l.charCodeAt(j);
      if (!isAlpha(c) && !isDigit(c) && c != 0x2d) return false;
    }
  }
  // WHATWG: a host whose last label is a number (decimal or 0x…) is an IPv4 address.
  const last = labels[labels.length - 1];
  let numeric = true;
  for (let j = 0; j < last.length; j++) if (!isDigit(last.charCodeAt(j))) { numeric = false; break; }
  if (numeric) return false;
  if (last.length >= 2 && last.charCodeAt(0) == 0x30 && (last.charCodeAt(1) | 0x20) == 0x78) return false;
  return true;
}

export const URL_MAX_CHARS: i32 = 512;

export function parseUrl(s: string): Url {
  const u = new Url();
  if (s.length == 0 || s.length > URL_MAX_CHARS || !isPrintableAscii(s)) return u;
  const sep = s.indexOf("://");
  if (sep <= 0) return u;
  u.scheme = asciiLower(s.substring(0, sep));
  if (!isScheme(u.scheme)) return u;
  let rest = s.substring(sep + 3);
  let slash = rest.indexOf("/");
  const q = rest.indexOf("?");
  if (q >= 0 && (slash < 0 || q < slash)) slash = q;
  const hash = rest.indexOf("#");
  if (hash >= 0 && (slash < 0 || hash < slash)) slash = hash;
  let authority = slash < 0 ? rest : rest.substring(0, slash);
  u.path = slash < 0 ? "" : rest.substring(slash);
  if (authority.indexOf("@") >= 0) return u; // credentials in a URL are refused
  let hasPort = false;
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close < 0) return u;
    u.host = asciiLower(authority.substring(0, close + 1));
    const after = authority.substring(close + 1);
    if (after.length > 0) {
      if (!after.startsWith(":")) return u;
      u.port = after.substring(1);
      hasPort = true;
    }
  } else {
    const colon = authority.lastIndexOf(":");
    if (colon >= 0) {
      u.host = asciiLower(authority.substring(0, colon));
      u.port = authority.substring(colon + 1);
      hasPort = true;
    } else {
      u.host = asciiLower(authority);
    }
  }
  if (!isPlainHost(u.host)) return u;
  if (hasPort) {
    // RFC 3986 §3.2.3 port, limited to what TCP has: 1-65535, no leading zeros.
    if (u.port.length == 0 || u.port.length > 5 || u.port.charCodeAt(0) == 0x30) return u;
    for (let i = 0; i < u.port.length; i++) if (!isDigit(u.port.charCodeAt(i))) return u;
    if (I32.parseInt(u.port) > 65535) return u;
  }
  u.valid = true;
  return u;
}

/** True for hosts that never leave the machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): bool {
  if (host == "localhost" || host == "[::1]") return true;
  return host.startsWith("127.") && isIpv4Literal(host);
}

/** A dotted-quad IPv4 literal in its one canonical form (no leading zeros, each part 0-255). */
export function isIpv4Literal(host: string): bool {
  const parts = host.split(".");
  if (parts.length != 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (p.length == 0 || p.length > 3) return false;
    for (let j = 0; j < p.length; j++) {
      const c = p.charCodeAt(j);
      if (c < 0x30 || c > 0x39) return false;
    }
    if (p.length > 1 && p.charCodeAt(0) == 0x30) return false;
    if (I32.parseInt(p) > 255) return false;
  }
  return true;
}

/** An http(s) URL the device may send credentials to: https anywhere, plain http only on loopback. */
export function checkEndpoint(s: string): string {
  const u = parseUrl(s);
  if (!u.valid) return "is not a valid absolute URL (a plain host name or address, port 1-65535)";
  if (u.scheme == "https") return "";
  if (u.scheme == "http") return isLoopbackHost(u.host) ? "" : "uses plain http to a host that is not loopback";
  return "uses the scheme '" + u.scheme + "' (only https, or http on loopback)";
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
