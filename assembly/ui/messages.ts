// The words the device says and shows, defined once. Short on purpose:
// every string here is static data in a module that must stay small.
// None of them may hold a token or a secret; codes a server sends go to
// the log, not to the speaker.
import { Failure } from "../actions/exchange";

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

/** Never an empty reason: a state that needs one always has words. */
export function reasonOr(reason: string, fallback: string = WHY_UNKNOWN): string {
  return reason.length > 0 ? reason : fallback;
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
