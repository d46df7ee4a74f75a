// The device configuration: RFC 8414 metadata names plus the client's own
// settings. With only `issuer`, the endpoints come from discovery.
import { JsonResult, JsonValue, parseJson, parseJsonBytes } from "../net/json";
import { checkEndpoint } from "../net/url";
import { HttpRequest, cleanText } from "../net/http";
import { Form } from "../net/form";
import { Fault, fault } from "../faults";

export class DeviceConfig {
  issuer: string = "";
  deviceAuthorizationEndpoint: string = "";
  tokenEndpoint: string = "";
  revocationEndpoint: string = "";
  clientId: string = "";
  clientSecret: string = "";
  scope: string = "";
  /** Action backend base URL (voice-action loop); "" when none. */
  backend: string = "";
  /** The backend's invalidate call (NUGU-style unlink); "" when none. */
  invalidateEndpoint: string = "";
  /** Set by parseDeviceConfig when something is wrong; "" when usable. */
  error: string = "";

  get needsDiscovery(): bool {
    return this.deviceAuthorizationEndpoint.length == 0 || this.tokenEndpoint.length == 0;
  }

  /**
   * A form POST from this client: `form`, then client_id and, for a
   * confidential client, client_secret in the body (RFC 6749 §2.3.1, §3.2.1;
   * RFC 8628 §3.1, RFC 7009 §2.1; some providers demand the secret there).
   */
  post(url: string, form: Form, timeoutMs: i32): HttpRequest {
    form.add("client_id", this.clientId);
    if (this.clientSecret.length > 0) form.add("client_secret", this.clientSecret);
    const r = HttpRequest.form(url, form.toString());
    r.timeoutMs = timeoutMs;
    return r;
  }

  /** A token request (RFC 6749 §4.5 extension grant, §6 refresh): grant_type and its one parameter. */
  tokenRequest(grantType: string, name: string, value: string, timeoutMs: i32): HttpRequest {
    return this.post(this.tokenEndpoint, new Form().add("grant_type", grantType).add(name, value), timeoutMs);
  }
}

export const CONFIG_MAX_BYTES: i32 = 16384;

/** The first problem field() met since it was last cleared; "" when none. */
let fieldError = "";

/**
 * `key` of `obj` (the config, or a discovery document when `doc`) as a
 * string, "" when absent. The first problem met is kept in `fieldError`: not
 * a string, or, for a URL field, a URL the device may not send credentials
 * to. With a problem already kept, the field is not read.
 */
function field(obj: JsonValue, key: string, url: bool, doc: bool): string {
  const v = obj.get(key);
  if (v === null || fieldError.length > 0) return "";
  if (!v.isString()) {
    fieldError = fault(doc ? Fault.AnswerNotString : Fault.ConfigNotString, key);
    return "";
  }
  const why = url && v.str.length > 0 ? checkEndpoint(v.str) : "";
  if (why.length > 0) fieldError = fault(doc ? Fault.DiscoveryBadUrl : Fault.ConfigBadUrl, key + " " + cleanText(why, 80));
  return v.str;
}

/** Parses and checks the device configuration from the board's bytes (null: none). Never traps; check `.error`. */
export function parseDeviceConfigBytes(bytes: Uint8Array | null): DeviceConfig {
  if (bytes === null) {
    const cfg = new DeviceConfig();
    cfg.error = fault(Fault.ConfigMissing);
    return cfg;
  }
  return checkConfig(parseJsonBytes(bytes));
}

/** Parses and checks the device configuration given as text. Never traps; check `.error`. */
export function parseDeviceConfig(text: string): DeviceConfig {
  return checkConfig(parseJson(text));
}

function checkConfig(r: JsonResult): DeviceConfig {
  const cfg = new DeviceConfig();
  if (!r.ok) {
    cfg.error = fault(Fault.ConfigNotJson, r.error);
    return cfg;
  }
  const obj = r.value!;
  if (!obj.isObject()) {
    cfg.error = fault(Fault.ConfigNotObject);
    return cfg;
  }
  fieldError = "";
  cfg.issuer = field(obj, "issuer", true, false);
  cfg.deviceAuthorizationEndpoint = field(obj, "device_authorization_endpoint", true, false);
  cfg.tokenEndpoint = field(obj, "token_endpoint", true, false);
  cfg.revocationEndpoint = field(obj, "revocation_endpoint", true, false);
  cfg.clientId = field(obj, "client_id", false, false);
  cfg.clientSecret = field(obj, "client_secret", false, false);
  cfg.scope = field(obj, "scope", false, false);
  cfg.backend = field(obj, "backend", true, false);
  cfg.invalidateEndpoint = field(obj, "invalidate_endpoint", true, false);
  if (fieldError.length > 0) {
    cfg.error = fieldError;
  } else if (cfg.clientId.length == 0) {
    cfg.error = fault(Fault.ConfigNoClientId);
  } else if (cfg.issuer.length == 0 && cfg.needsDiscovery) {
    cfg.error = fault(Fault.ConfigNoEndpoints);
  }
  return cfg;
}

/**
 * Fills the endpoints the config left out from an RFC 8414 / OpenID
 * discovery document. Returns "" or a fault. The document's `issuer` must
 * equal the configured one (RFC 8414 §3.3), or the metadata is not trusted.
 * On a fault some endpoints may be filled already: the caller restores them.
 */
export function applyDiscovery(cfg: DeviceConfig, doc: JsonValue): string {
  const issuer = doc.getString("issuer");
  if (issuer === null || issuer != cfg.issuer) return fault(Fault.IssuerMismatch);
  // Every endpoint the document names is checked, also those the config gives.
  fieldError = "";
  cfg.deviceAuthorizationEndpoint = fromDocument(doc, "device_authorization_endpoint", cfg.deviceAuthorizationEndpoint);
  cfg.tokenEndpoint = fromDocument(doc, "token_endpoint", cfg.tokenEndpoint);
  cfg.revocationEndpoint = fromDocument(doc, "revocation_endpoint", cfg.revocationEndpoint);
  if (fieldError.length > 0) return fieldError;
  // RFC 8628 §4: without device_authorization_endpoint the server does not do the device flow.
  if (cfg.deviceAuthorizationEndpoint.length == 0) return fault(Fault.AnswerMissing, "device_authorization_endpoint");
  if (cfg.tokenEndpoint.length == 0) return fault(Fault.AnswerMissing, "token_endpoint");
  return "";
}

/** The configured endpoint when there is one, else the document's (checked either way). */
function fromDocument(doc: JsonValue, key: string, configured: string): string {
  const found = field(doc, key, true, true);
  return configured.length > 0 ? configured : found;
}
