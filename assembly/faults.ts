// Why something failed, as a number. A reason is "E<n>" or "E<n> <arg>",
// where <arg> is the one variable part (a server's error code, a status, a
// field). The module carries only the number; the words live on the host
// (host/faults.ts), which expands them in every log line; boards/ABI.md
// (`log`) tells a board how to read them. A screen shows the
// category sentence of the hundreds (ui/messages.ts faultWords) followed by
// the code, so a person can read it out and a porter can look it up.
//
// The hundreds are the categories:
//   1xx  the device's configuration is not usable
//   2xx  a server's answer could not be used (malformed, wrong, too large)
//   3xx  a server refused, failed or could not be reached
//   4xx  the device's flash
//   5xx  the action table
//
// Each line's comment is the words, exactly as host/faults.ts has them;
// test/hil/notes.test.ts checks both agree. A number is never reused for
// another meaning: add new ones in a free slot of the right hundred.
export const enum Fault {
  // 1xx configuration: the device config (100-139)
  ConfigMissing = 100,        // the board has no device configuration (or it is over 16384 bytes)
  ConfigNotJson = 101,        // the device configuration is not valid JSON: {}
  ConfigNotObject = 102,      // the device configuration is not a JSON object
  ConfigNotString = 103,      // the device configuration's {} must be a string
  ConfigNoClientId = 104,     // the device configuration has no client_id (required)
  ConfigNoEndpoints = 105,    // the device configuration needs issuer, or both device_authorization_endpoint and token_endpoint
  ConfigBadUrl = 106,         // a URL of the device configuration is not usable (https, or plain http only to loopback): {}

  // 1xx configuration: URLs, HTTP, forms (140-169)
  UrlInvalid = 140,     // the URL in '{}' is not a valid absolute URL (a plain host name or address, port 1-65535)
  UrlPlainHttp = 141,   // the URL in '{}' uses plain http to a host that is not loopback
  UrlScheme = 142,      // the URL in '{}' uses a scheme other than https (or http on loopback)

  // 2xx unusable answers: linking, tokens, discovery, unlink (200-239)
  AnswerMissing = 200,        // the answer has no {}
  AnswerNotString = 201,      // the answer's {} is not a string
  AnswerBadText = 202,        // the answer's {} is empty, too long or has characters that are not allowed
  AnswerOutOfRange = 203,     // the answer's {} is out of range
  AnswerNotJson = 204,        // the answer is neither a JSON object nor a form
  AnswerNotHttps = 205,       // the answer's {} is not an https URL (RFC 8628 §3.3)
  TokenTypeUnsupported = 206, // the token type {} is not supported (only Bearer)
  IssuerMismatch = 207,       // the discovery document's issuer is not the configured issuer (RFC 8414 §3.3)
  DiscoveryBadUrl = 208,      // an endpoint of the discovery document is not usable (https, or plain http only to loopback): {}

  // 2xx unusable answers: HTTP, URLs, forms (240-259)
  NetTooLarge = 240,    // the answer was larger than the board's body cap
  NetBadHeader = 241,   // a header of the answer was not UTF-8 text

  // 2xx unusable answers: JSON and UTF-8 (260-289)
  JsonTooLarge = 260,       // JSON text too large: {} bytes (at most 16,384)
  JsonTooDeep = 261,        // JSON nested more than 16 deep at byte {}
  JsonTooManyValues = 262,  // JSON text has more than 16,384 values (at byte {})
  JsonTooManyMembers = 263, // JSON object has more than 512 members (at byte {})
  JsonNotUtf8 = 264,        // JSON text is not valid UTF-8 at byte {}
  JsonSyntax = 265,         // JSON syntax error at byte {}
  JsonTrailing = 266,       // text after the JSON value at byte {}
  JsonBadString = 267,      // control character or bad escape in a JSON string at byte {}
  JsonSurrogate = 268,      // unpaired surrogate escape in a JSON string at byte {}
  JsonUnterminated = 269,   // unterminated JSON string at byte {}
  JsonBadNumber = 270,      // malformed JSON number at byte {}

  // 2xx unusable answers: the action backend (290-299)
  ActionTooLarge = 290,     // the action backend's answer was over 16 KiB
  ActionNotJson = 291,      // the action backend's answer was not usable JSON ({})
  ActionNotObject = 292,    // the action backend's answer was not a JSON object
  ActionVersion = 293,      // the action backend's answer has version {}, not 2.0
  ActionMissing = 294,      // the action backend's answer has no "{}"
  ActionWrongType = 295,    // in the action backend's answer, "{}" has the wrong type
  ActionEmptyCode = 296,    // the action backend's answer has an empty resultCode
  ActionNoWords = 297,      // the action backend's answer has neither output.speech nor output.display

  // 3xx refusals and failures: linking, tokens, discovery, unlink (300-339)
  CodeRefused = 300,          // the device authorization request was refused: {}
  TokenRefused = 301,         // the token request was refused: {}
  RefusedOverCap = 302,       // a token answer was larger than this board's NET_BODY_CAP, then the token request was refused; the cap in bytes (-1 unknown) and the error: {}
  CodeHttp = 303,             // the device authorization endpoint answered HTTP {} without an OAuth error
  TokenHttp = 304,            // the token endpoint answered HTTP {} without an OAuth error
  CodeRetrying = 305,         // could not get a code, retrying; HTTP status or NET_* error (boards/ABI.md): {}
  TokenRetrying = 306,        // the token endpoint could not be reached or failed, retrying; HTTP status or NET_* error: {}
  ClientRejected = 307,       // the server no longer accepts this device's client: {}
  RefreshRefused = 308,       // a token refresh was refused, retrying: {}
  RefreshFailed = 309,        // a token refresh failed, retrying; HTTP status or NET_* error: {}
  DiscoveryRetrying = 310,    // cannot reach the issuer's metadata, retrying; HTTP status or NET_* error: {}
  NoMetadata = 311,           // no usable metadata at either well-known location (RFC 8414 §3.1); the last HTTP status: {}
  InvalidateNotConfirmed = 312, // the backend's invalidate call was not confirmed: {}
  RevocationNotConfirmed = 313, // a revocation (RFC 7009 §2.2) was not confirmed: HTTP {}
  UnlinkUnreached = 314,      // an unlink request did not reach its server; NET_* error: {}

  // 3xx refusals and failures: HTTP and the action backend (340-399)
  NetConnect = 340,         // could not connect to the server
  NetTimeout = 341,         // the server did not answer in time
  NetTls = 342,             // the secure (TLS) connection to the server failed
  NetBroken = 343,          // the connection broke before the whole answer arrived
  NetError = 344,           // the board reported network error {}
  HttpStatus = 345,         // the server answered HTTP {}
  ActionRefused = 346,      // the action backend answered resultCode {}
  ActionRejected = 347,     // the action backend refused the access token (HTTP 401)
  ActionNoNewToken = 348,   // no new access token came after the refresh; the action was not sent again

  // 4xx flash: the token store and its records (400-449)
  RegionTooSmall = 400,       // the flash region is too small for a slot
  SlotReadFailed = 401,       // slot {}: read failed
  SlotVersion = 402,          // slot {}: unknown format version
  SlotLength = 403,           // slot {}: length exceeds the slot capacity
  SlotCrc = 404,              // slot {}: bad CRC
  SlotUnauthentic = 405,      // slot {}: payload failed authentication
  SlotUndecodable = 406,      // slot {}: payload does not decode
  SlotChanged = 407,          // slot {} changed while it was read
  SealFailed = 408,           // sealing failed
  RecordTooLarge = 409,       // the sealed record does not fit a slot; its size and the slot capacity in bytes: {}
  WriteFailed = 410,          // a flash write to slot {} failed
  VerifyFailed = 411,         // slot {} read back differs from what was written

  // 5xx the action table (500-599)
  TableMissing = 500,        // the board has no action table
  TableNotJson = 501,        // the action table is not valid JSON ({})
  TableNotObject = 502,      // the action table is not a JSON object
  TableVersion = 503,        // the action table's "version" is missing or not 1
  TableNoActions = 504,      // the action table's "actions" is missing, not an array, or empty
  TableTooMany = 505,        // the action table has more than 64 actions
  ActionNotAnObject = 506,   // action number {} of the table is not an object
  ActionBadName = 507,       // action number {} of the table has no "name" that is a letter then letters, digits or '_' (at most 64)
  ActionTwice = 508,         // action {} is defined twice (names are compared without case)
  ActionLocal = 509,         // action {}: "local" is not "unlink"
  ParamsNotObject = 510,     // action {}: "parameters" is not an object
  ParamsTooMany = 511,       // action {}: more than 8 parameters
  ParamBadName = 512,        // action {}: a parameter's name is not a letter or '_' then letters, digits or '_' (at most 64)
  ParamTwice = 513,          // parameter {} (action and name) is declared twice
  ParamType = 514,           // parameter {} (action and name) has a type other than NUMBER or TEXT
  ParamUnused = 515,         // parameter {} (action and name) is used by no pattern
  PatternsBad = 516,         // action {}: "patterns" is missing, not an array, or empty
  PatternsTooMany = 517,     // action {}: more than 32 patterns
  PatternNotString = 518,    // pattern {} (action and number) is not a string
  PatternTooLong = 519,      // pattern {} (action and number) is longer than 200 characters
  PatternBrace = 520,        // pattern {} (action and number) has a '{' or '}' without its pair
  SlotBadName = 521,         // pattern {} (action and number) has a slot name that is not a letter or '_' then letters, digits or '_'
  SlotUndeclared = 522,      // pattern {} (action and number) has a slot that "parameters" does not declare
  SlotTwice = 523,           // pattern {} (action and number) has the same slot twice
  SlotsAdjacent = 524,       // pattern {} (action and number) has two slots with no word between them
  SlotsTooMany = 525,        // pattern {} (action and number) has more than 4 slots
  PatternNoWord = 526,       // pattern {} (action and number) has no word besides its slots
  PatternSame = 527,         // pattern {} (action and number) says the same as an earlier pattern of the table
}

/** The reason string for a fault: "E<n>", or "E<n> <arg>". */
export function fault(f: Fault, arg: string = ""): string {
  const head = "E" + (<i32>f).toString();
  return arg.length == 0 ? head : head + " " + arg;
}

/** The fault number of a reason made by fault(), or 0 for words. */
export function faultOf(reason: string): i32 {
  if (reason.length < 2 || reason.charCodeAt(0) != 0x45) return 0;
  let n = 0;
  for (let i = 1; i < reason.length; i++) {
    const c = reason.charCodeAt(i);
    if (c == 0x20) break;
    if (c < 0x30 || c > 0x39 || i > 3) return 0;
    n = n * 10 + (c - 0x30);
  }
  return n;
}
