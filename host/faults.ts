// The words of the firmware's fault codes (assembly/faults.ts). A reason
// comes as "E<n>" or "E<n> <arg>"; the host prints the words below with the
// argument in place of {}. Numbers are never reused.
export const FAULTS: Record<number, string> = {
  // 1xx configuration: the device config (100-139)
  100: "the board has no device configuration (or it is over 16384 bytes)",
  101: "the device configuration is not valid JSON: {}",
  102: "the device configuration is not a JSON object",
  103: "the device configuration's {} must be a string",
  104: "the device configuration has no client_id (required)",
  105: "the device configuration needs issuer, or both device_authorization_endpoint and token_endpoint",
  106: "a URL of the device configuration is not usable (https, or plain http only to loopback): {}",
  // ·
  // 1xx configuration: URLs, HTTP, forms (140-169)
  // ·
  // 1xx configuration: JSON (170-199)
  // ·
  // 2xx unusable answers: linking, tokens, discovery, unlink (200-239)
  200: "the answer has no {}",
  201: "the answer's {} is not a string",
  202: "the answer's {} is empty, too long or has characters that are not allowed",
  203: "the answer's {} is out of range",
  204: "the answer is neither a JSON object nor a form",
  205: "the answer's {} is not an https URL (RFC 8628 §3.3)",
  206: "the token type {} is not supported (only Bearer)",
  207: "the discovery document's issuer is not the configured issuer (RFC 8414 §3.3)",
  208: "an endpoint of the discovery document is not usable (https, or plain http only to loopback): {}",
  // ·
  // 2xx unusable answers: HTTP, URLs, forms (240-259)
  // ·
  // 2xx unusable answers: JSON and UTF-8 (260-289)
  // ·
  // 2xx unusable answers: the action backend (290-299)
  // ·
  // 3xx refusals and failures: linking, tokens, discovery, unlink (300-339)
  300: "the device authorization request was refused: {}",
  301: "the token request was refused: {}",
  302: "a token answer was larger than this board's NET_BODY_CAP, then the token request was refused; the cap in bytes (-1 unknown) and the error: {}",
  303: "the device authorization endpoint answered HTTP {} without an OAuth error",
  304: "the token endpoint answered HTTP {} without an OAuth error",
  305: "could not get a code, retrying; HTTP status or NET_* error (boards/ABI.md): {}",
  306: "the token endpoint could not be reached or failed, retrying; HTTP status or NET_* error: {}",
  307: "the server no longer accepts this device's client: {}",
  308: "a token refresh was refused, retrying: {}",
  309: "a token refresh failed, retrying; HTTP status or NET_* error: {}",
  310: "cannot reach the issuer's metadata, retrying; HTTP status or NET_* error: {}",
  311: "no usable metadata at either well-known location (RFC 8414 §3.1); the last HTTP status: {}",
  312: "the backend's invalidate call was not confirmed: {}",
  313: "a revocation (RFC 7009 §2.2) was not confirmed: HTTP {}",
  314: "an unlink request did not reach its server; NET_* error: {}",
  // ·
  // 3xx refusals and failures: HTTP and the action backend (340-399)
  // ·
  // 4xx flash: the token store and its records (400-449)
  400: "the flash region is too small for a slot",
  401: "slot {}: read failed",
  402: "slot {}: unknown format version",
  403: "slot {}: length exceeds the slot capacity",
  404: "slot {}: bad CRC",
  405: "slot {}: payload failed authentication",
  406: "slot {}: payload does not decode",
  407: "slot {} changed while it was read",
  408: "sealing failed",
  409: "the sealed record does not fit a slot; its size and the slot capacity in bytes: {}",
  410: "a flash write to slot {} failed",
  411: "slot {} read back differs from what was written",
  // ·
  // 5xx the action table (500-599)
};

const FAULT = /^E(\d{3})(?: ([\s\S]*))?$/;

/** A fault reason in words ("E<n> arg" → the words with arg); anything else as it came. */
export function expandFault(reason: string): string {
  const m = FAULT.exec(reason);
  if (!m) return reason;
  const words = FAULTS[Number(m[1])];
  if (words === undefined) return reason;
  const arg = m[2] ?? "";
  const text = words.includes("{}") ? words.replace("{}", () => arg) : arg.length > 0 ? `${words} (${arg})` : words;
  return `${text} [E${m[1]}]`;
}
