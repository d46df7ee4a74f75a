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

  // 1xx configuration: URLs, HTTP, forms (140-169)
  140: "the URL in '{}' is not a valid absolute URL (a plain host name or address, port 1-65535)",
  141: "the URL in '{}' uses plain http to a host that is not loopback",
  142: "the URL in '{}' uses a scheme other than https (or http on loopback)",

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

  // 2xx unusable answers: HTTP, URLs, forms (240-259)
  240: "the answer was larger than the board's body cap",
  241: "a header of the answer was not UTF-8 text",

  // 2xx unusable answers: JSON and UTF-8 (260-289)
  260: "JSON text too large: {} bytes (at most 16,384)",
  261: "JSON nested more than 16 deep at byte {}",
  262: "JSON text has more than 16,384 values (at byte {})",
  263: "JSON object has more than 512 members (at byte {})",
  264: "JSON text is not valid UTF-8 at byte {}",
  265: "JSON syntax error at byte {}",
  266: "text after the JSON value at byte {}",
  267: "control character or bad escape in a JSON string at byte {}",
  268: "unpaired surrogate escape in a JSON string at byte {}",
  269: "unterminated JSON string at byte {}",
  270: "malformed JSON number at byte {}",

  // 2xx unusable answers: the action backend (290-299)
  290: "the action backend's answer was over 16 KiB",
  291: "the action backend's answer was not usable JSON ({})",
  292: "the action backend's answer was not a JSON object",
  293: "the action backend's answer has version {}, not 2.0",
  294: "the action backend's answer has no \"{}\"",
  295: "in the action backend's answer, \"{}\" has the wrong type",
  296: "the action backend's answer has an empty resultCode",
  297: "the action backend's answer has neither output.speech nor output.display",

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

  // 3xx refusals and failures: HTTP and the action backend (340-399)
  340: "could not connect to the server",
  341: "the server did not answer in time",
  342: "the secure (TLS) connection to the server failed",
  343: "the connection broke before the whole answer arrived",
  344: "the board reported network error {}",
  345: "the server answered HTTP {}",
  346: "the action backend answered resultCode {}",
  347: "the action backend refused the access token (HTTP 401)",
  348: "no new access token came after the refresh; the action was not sent again",

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

  // 5xx the action table (500-599)
  500: "the board has no action table",
  501: "the action table is not valid JSON ({})",
  502: "the action table is not a JSON object",
  503: "the action table's \"version\" is missing or not 1",
  504: "the action table's \"actions\" is missing, not an array, or empty",
  505: "the action table has more than 64 actions",
  506: "action number {} of the table is not an object",
  507: "action number {} of the table has no \"name\" that is a letter then letters, digits or '_' (at most 64)",
  508: "action {} is defined twice (names are compared without case)",
  509: "action {}: \"local\" is not \"unlink\"",
  510: "action {}: \"parameters\" is not an object",
  511: "action {}: more than 8 parameters",
  512: "action {}: a parameter's name is not a letter or '_' then letters, digits or '_' (at most 64)",
  513: "parameter {} (action and name) is declared twice",
  514: "parameter {} (action and name) has a type other than NUMBER or TEXT",
  515: "parameter {} (action and name) is used by no pattern",
  516: "action {}: \"patterns\" is missing, not an array, or empty",
  517: "action {}: more than 32 patterns",
  518: "pattern {} (action and number) is not a string",
  519: "pattern {} (action and number) is longer than 200 characters",
  520: "pattern {} (action and number) has a '{' or '}' without its pair",
  521: "pattern {} (action and number) has a slot name that is not a letter or '_' then letters, digits or '_'",
  522: "pattern {} (action and number) has a slot that \"parameters\" does not declare",
  523: "pattern {} (action and number) has the same slot twice",
  524: "pattern {} (action and number) has two slots with no word between them",
  525: "pattern {} (action and number) has more than 4 slots",
  526: "pattern {} (action and number) has no word besides its slots",
  527: "pattern {} (action and number) says the same as an earlier pattern of the table",
};

// A fault starts the text or follows ": " (a note such as "#17 WhoAmI: E345 500").
const FAULT = /(^|: )E(\d{3})(?: ([\s\S]*))?$/;

/**
 * Text with its fault in words: "E<n> arg" becomes the words with arg (and
 * an arg that is itself a fault is expanded too, "E291 E262 12"), followed
 * by "[E<n>]". Text without a known fault comes back as it came.
 */
export function expandFault(text: string): string {
  const m = FAULT.exec(text);
  if (!m) return text;
  const words = FAULTS[Number(m[2])];
  if (words === undefined) return text;
  const arg = expandFault(m[3] ?? "");
  const said = words.includes("{}") ? words.replace("{}", () => arg) : arg.length > 0 ? `${words} (${arg})` : words;
  return `${text.slice(0, m.index)}${m[1]}${said} [E${m[2]}]`;
}
