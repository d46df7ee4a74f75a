// The one state the device is in, computed from its controllers' states,
// never from what was announced last. The names are those the board's
// `state_set` announces (boards/ABI.md); the enum is what code compares.
import { LinkState } from "./auth/device_flow";
import { TokenState } from "./auth/tokens";
import { DiscoveryState } from "./auth/discovery";

export const enum DeviceState {
  Booting = 0,
  RequestingCode = 1,
  AwaitingApproval = 2,
  Backoff = 3,
  Linked = 4,
  Refreshing = 5,
  Expired = 6,
  Denied = 7,
  CodeExpired = 8,
  Unlinking = 9,
  Unlinked = 10,
  Error = 11,
}

const NAMES: string[] = [
  "booting", "requesting_code", "awaiting_approval", "backoff", "linked", "refreshing",
  "expired", "denied", "code_expired", "unlinking", "unlinked", "error",
];

export function stateName(s: DeviceState): string {
  const i = <i32>s;
  return i >= 0 && i < NAMES.length ? NAMES[i] : "error";
}

/**
 * The device's state from what the controllers say: whether the
 * configuration is usable, whether an unlink is under way, whether a link
 * is held, and the states of discovery, the device flow and the tokens.
 */
export function deviceState(
  configOk: bool, unlinking: bool, linked: bool,
  d: DiscoveryState, flow: LinkState, tokens: TokenState,
): DeviceState {
  if (!configOk) return DeviceState.Error;
  if (unlinking) return DeviceState.Unlinking;
  if (linked) {
    // Linked, but the endpoints (token, revocation) are not known yet.
    if (d == DiscoveryState.Fetching || d == DiscoveryState.Backoff) return DeviceState.Booting;
    if (d == DiscoveryState.Failed) return DeviceState.Error;
    if (tokens == TokenState.Expired) return DeviceState.Expired;
    if (tokens == TokenState.Refreshing) return DeviceState.Refreshing;
    return DeviceState.Linked;
  }
  if (d == DiscoveryState.Fetching) return DeviceState.RequestingCode;
  if (d == DiscoveryState.Backoff) return DeviceState.Backoff;
  if (d == DiscoveryState.Failed) return DeviceState.Error;
  switch (flow) {
    case LinkState.RequestingCode: return DeviceState.RequestingCode;
    case LinkState.AwaitingApproval: return DeviceState.AwaitingApproval;
    case LinkState.Backoff: return DeviceState.Backoff;
    case LinkState.Linked: return DeviceState.Linked;
    case LinkState.Denied: return DeviceState.Denied;
    case LinkState.CodeExpired: return DeviceState.CodeExpired;
    case LinkState.Error: return DeviceState.Error;
    default: return DeviceState.Unlinked;
  }
}

/**
 * Why the device is in state `s` ("" when the state needs no reason), picked
 * from the reasons the controllers hold: the configuration's, discovery's,
 * the device flow's, the unlink's and the token lifecycle's.
 */
export function reasonFor(
  s: DeviceState, configOk: bool, discovery: DiscoveryState,
  config: string, discoveryReason: string, flow: string, unlinked: string, tokens: string,
): string {
  if (s == DeviceState.Error) return !configOk ? config : (discovery == DiscoveryState.Failed ? discoveryReason : flow);
  if (s == DeviceState.Backoff || s == DeviceState.Booting) return discovery == DiscoveryState.Backoff ? discoveryReason : flow;
  if (s == DeviceState.Unlinked) return unlinked;
  if (s == DeviceState.Expired) return tokens;
  return "";
}
