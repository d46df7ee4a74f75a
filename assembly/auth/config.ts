// The device configuration: RFC 8414 metadata names plus the client's own
// settings. With only `issuer`, the endpoints come from discovery.
import { JsonResult, JsonValue, parseJson, parseJsonBytes } from "../net/json";
import { checkEndpoint } from "../net/url";
import { cleanText } from "../net/http";

export class DeviceConfig {
  issuer: string = "";
  deviceAuthorizationEndpoint: string = "";
  tokenEndpoint: string = "";
  revocationEndpoint: string = "";
  introspectionEndpoint: string = "";
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
}

export const CONFIG_MAX_BYTES: i32 = 16384;

function optString(obj: JsonValue, key: string, cfg: DeviceConfig): string {
  const v = obj.get(key);
  if (v === null) return "";
  if (!v.isString()) {
    if (cfg.error.length == 0) cfg.error = "config: '" + key + "' must be a string";
    return "";
  }
  return v.str;
}

function checkUrlField(cfg: DeviceConfig, key: string, value: string): void {
  if (value.length == 0 || cfg.error.length > 0) return;
  const why = checkEndpoint(value);
  if (why.length > 0) cfg.error = "config: '" + key + "' " + why;
}

/** Parses and checks the device configuration from the board's bytes (null: none). Never traps; check `.error`. */
export function parseDeviceConfigBytes(bytes: Uint8Array | null): DeviceConfig {
  if (bytes === null) {
    const cfg = new DeviceConfig();
    cfg.error = "config: the board has no device configuration (or it is over " + CONFIG_MAX_BYTES.toString() + " bytes)";
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
    cfg.error = "config: not valid JSON (" + r.error + ")";
    return cfg;
  }
  const obj = r.value!;
  if (!obj.isObject()) {
    cfg.error = "config: must be a JSON object";
    return cfg;
  }
  cfg.issuer = optString(obj, "issuer", cfg);
  cfg.deviceAuthorizationEndpoint = optString(obj, "device_authorization_endpoint", cfg);
  cfg.tokenEndpoint = optString(obj, "token_endpoint", cfg);
  cfg.revocationEndpoint = optString(obj, "revocation_endpoint", cfg);
  cfg.introspectionEndpoint = optString(obj, "introspection_endpoint", cfg);
  cfg.clientId = optString(obj, "client_id", cfg);
  cfg.clientSecret = optString(obj, "client_secret", cfg);
  cfg.scope = optString(obj, "scope", cfg);
  cfg.backend = optString(obj, "backend", cfg);
  cfg.invalidateEndpoint = optString(obj, "invalidate_endpoint", cfg);
  if (cfg.error.length > 0) return cfg;
  if (cfg.clientId.length == 0) {
    cfg.error = "config: 'client_id' is required";
    return cfg;
  }
  if (cfg.issuer.length == 0 && cfg.needsDiscovery) {
    cfg.error = "config: give 'issuer', or both 'device_authorization_endpoint' and 'token_endpoint'";
    return cfg;
  }
  checkUrlField(cfg, "issuer", cfg.issuer);
  checkUrlField(cfg, "device_authorization_endpoint", cfg.deviceAuthorizationEndpoint);
  checkUrlField(cfg, "token_endpoint", cfg.tokenEndpoint);
  checkUrlField(cfg, "revocation_endpoint", cfg.revocationEndpoint);
  checkUrlField(cfg, "introspection_endpoint", cfg.introspectionEndpoint);
  checkUrlField(cfg, "backend", cfg.backend);
  checkUrlField(cfg, "invalidate_endpoint", cfg.invalidateEndpoint);
  return cfg;
}

/**
 * Fills the endpoints the config left out from an RFC 8414 / OpenID
 * discovery document. Returns "" or an error. The document's `issuer` must
 * equal the configured one (RFC 8414 §3.3), or the metadata is not trusted.
 */
export function applyDiscovery(cfg: DeviceConfig, doc: JsonValue): string {
  const issuer = doc.getString("issuer");
  if (issuer === null || issuer != cfg.issuer) {
    return "discovery: the document's issuer does not match the configured issuer (RFC 8414 §3.3)";
  }
  const fields = ["device_authorization_endpoint", "token_endpoint", "revocation_endpoint", "introspection_endpoint"];
  for (let i = 0; i < fields.length; i++) {
    const key = fields[i];
    const v = doc.get(key);
    if (v === null) continue;
    if (!v.isString()) return "discovery: '" + key + "' is not a string";
    const why = checkEndpoint(v.str);
    if (why.length > 0) return "discovery: '" + key + "' " + cleanText(why, 80);
    if (key == "device_authorization_endpoint" && cfg.deviceAuthorizationEndpoint.length == 0) cfg.deviceAuthorizationEndpoint = v.str;
    if (key == "token_endpoint" && cfg.tokenEndpoint.length == 0) cfg.tokenEndpoint = v.str;
    if (key == "revocation_endpoint" && cfg.revocationEndpoint.length == 0) cfg.revocationEndpoint = v.str;
    if (key == "introspection_endpoint" && cfg.introspectionEndpoint.length == 0) cfg.introspectionEndpoint = v.str;
  }
  if (cfg.deviceAuthorizationEndpoint.length == 0) return "discovery: the server has no device_authorization_endpoint (no RFC 8628 support)";
  if (cfg.tokenEndpoint.length == 0) return "discovery: the server has no token_endpoint";
  return "";
}
