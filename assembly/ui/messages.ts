// The words the device says and shows, defined once. Short on purpose:
// every string here is static data in a module that must stay small.
// None of them may hold a token or a secret; codes a server sends go to
// the log, not to the speaker.
import { Failure } from "../actions/exchange";
import { faultOf } from "../faults";

// Replies to an utterance (said, and shown on every display).
export const SAY_NOT_UNDERSTOOD = "Sorry, I didn't get that.";
export const SAY_NOT_LINKED = "This device is not linked yet. Press the link button to link your account.";
export const SAY_BUSY = "One moment, I'm still working on your last request.";
export const SAY_NO_BACKEND = "No service is configured for voice actions on this device.";
export const SAY_RECONNECTING = "I'm reconnecting to your account. Please try again in a moment.";
export const SAY_NO_ACTIONS = "I can't do anything yet: ";
const SAY_TIMEOUT = "The service took too long to answer. Please try again.";
const SAY_TOO_LARGE = "The service sent an answer that was too large.";
const SAY_UNREACHABLE = "I can't reach the service right now. Please try again later.";
const SAY_HTTP_ERROR = "The service had a problem. Please try again later.";
export const SAY_SERVICE_REFUSED = "The service could not do that.";
const SAY_UNREADABLE = "The service sent an answer I could not read.";
const SAY_REFRESH_GAVE_UP = "I couldn't reconnect to your account. Please try again later.";
export const SAY_NO_LONGER_AUTHORIZED = "This device is no longer authorized. Press the link button to link it again.";

// Linking and the link's end.
export const SAY_ALREADY_LINKED = "This device is already linked.";
export const SAY_LINKED = "Your account is linked.";
export const SAY_DENIED = "Linking was denied.";
export const SAY_CODE_EXPIRED = "The code expired. Press the link button for a new one.";
export const SAY_CANNOT_LINK = "This device cannot link. ";
export const SAY_WAS_UNLINKED = "This device was unlinked. ";
export const SAY_LINK_EXPIRED = "The link expired. Here is a new code.";
export const SAY_UNLINKED = "This device is now unlinked.";
export const SAY_UNLINKED_LOCALLY = "This device is unlinked here, but the server could not be told.";

export const WHY_ACCESS_EXPIRED = "The access expired; link again.";
export const WHY_REJECTED = "The service no longer accepts this device's access.";
export const WHY_NOT_LINKED = "Not linked.";
export const WHY_UNLINKED = "Unlinked on request.";
export const WHY_NO_ENDPOINT = "Unlinked on this device (no revocation endpoint is configured).";
export const WHY_UNREACHED = "Unlinked on this device; the server could not be reached to revoke access.";
export const WHY_REFUSED = "Unlinked on this device; the server did not confirm the revocation.";
export const WHY_UNKNOWN = "Something went wrong; see the log.";

// The category sentence of each hundred of assembly/faults.ts.
const FAULT_CONFIG = "This device is not set up correctly.";
const FAULT_ANSWER = "A server sent an answer this device cannot use.";
const FAULT_REFUSED = "A server refused or could not be reached.";
const FAULT_FLASH = "This device could not use its storage.";
const FAULT_TABLE = "The action table is not usable.";

function faultWords(n: i32): string {
  const h = n / 100;
  if (h == 1) return FAULT_CONFIG;
  if (h == 2) return FAULT_ANSWER;
  if (h == 3) return FAULT_REFUSED;
  if (h == 4) return FAULT_FLASH;
  if (h == 5) return FAULT_TABLE;
  return WHY_UNKNOWN;
}

/**
 * A reason as a screen shows it, never empty: words as they are; a fault
 * as its category sentence and its code, "… (E301 invalid_client)".
 */
export function reasonOr(reason: string, fallback: string = WHY_UNKNOWN): string {
  if (reason.length == 0) return fallback;
  const n = faultOf(reason);
  return n == 0 ? reason : faultWords(n) + " (" + reason + ")";
}

/** A reason as it is said: a fault's code is for the screen and the log, not the speaker. */
export function spokenReason(reason: string): string {
  if (reason.length == 0) return WHY_UNKNOWN;
  const n = faultOf(reason);
  return n == 0 ? reason : faultWords(n);
}

/** What is said when an action failed; the backend's own words follow a refusal. */
export function actionFailureWords(f: Failure, backendSpeech: string): string {
  if (f == Failure.Timeout) return SAY_TIMEOUT;
  if (f == Failure.TooLarge) return SAY_TOO_LARGE;
  if (f == Failure.Unreachable) return SAY_UNREACHABLE;
  if (f == Failure.Http) return SAY_HTTP_ERROR;
  if (f == Failure.Refused) return backendSpeech.length > 0 ? SAY_SERVICE_REFUSED + " " + backendSpeech : SAY_SERVICE_REFUSED;
  if (f == Failure.RefreshGaveUp) return SAY_REFRESH_GAVE_UP;
  return SAY_UNREADABLE;
}
