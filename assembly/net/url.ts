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
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

export const URL_MAX_CHARS: i32 = 512;

export function parseUrl(s: string): Url {
  const u = new Url();
  if (s.length == 0 || s.length > URL_MAX_CHARS || !isPrintableAscii(s)) return u;
  const sep = s.indexOf("://");
  if (sep <= 0) return u;
  u.scheme = asciiLower(s.substring(0, sep));
  let rest = s.substring(sep + 3);
  let slash = rest.indexOf("/");
  const q = rest.indexOf("?");
  if (q >= 0 && (slash < 0 || q < slash)) slash = q;
  let authority = slash < 0 ? rest : rest.substring(0, slash);
  u.path = slash < 0 ? "" : rest.substring(slash);
  if (authority.indexOf("@") >= 0) return u; // credentials in a URL are refused
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close < 0) return u;
    u.host = asciiLower(authority.substring(0, close + 1));
    const after = authority.substring(close + 1);
    if (after.length > 0) {
      if (!after.startsWith(":")) return u;
      u.port = after.substring(1);
    }
  } else {
    const colon = authority.lastIndexOf(":");
    if (colon >= 0) {
      u.host = asciiLower(authority.substring(0, colon));
      u.port = authority.substring(colon + 1);
    } else {
      u.host = asciiLower(authority);
    }
  }
  if (u.host.length == 0) return u;
  for (let i = 0; i < u.port.length; i++) {
    const c = u.port.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return u;
  }
  if (u.port.length > 5) return u;
  u.valid = true;
  return u;
}

/** True for hosts that never leave the machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): bool {
  if (host == "localhost" || host == "[::1]") return true;
  if (!host.startsWith("127.")) return false;
  const parts = host.split(".");
  if (parts.length != 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (p.length == 0 || p.length > 3) return false;
    for (let j = 0; j < p.length; j++) {
      const c = p.charCodeAt(j);
      if (c < 0x30 || c > 0x39) return false;
    }
    if (I32.parseInt(p) > 255) return false;
  }
  return true;
}

/** An http(s) URL the device may send credentials to: https anywhere, plain http only on loopback. */
export function checkEndpoint(s: string): string {
  const u = parseUrl(s);
  if (!u.valid) return "is not a valid absolute URL";
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
