// The words the device says and shows, defined once. Short on purpose:
// every string here is static data in a module that must stay small.
// None of them may hold a token or a secret; codes a server sends go to
// the log, not to the speaker.
import { Failure } from "../actions/exchange";
import { faultOf } from "../faults";
import { nth } from "../text/list";

// Replies to an utterance (said, and shown on every display).
export const SAY_NOT_UNDERSTOOD = "Sorry, I didn't get that.";
export const SAY_NOT_LINKED = "This device is not linked yet. Press the link button to link your account.";
export const SAY_BUSY = "One moment, I'm still working on your last request.";
export const SAY_NO_BACKEND = "No service is configured for voice actions on this device.";
export const SAY_RECONNECTING = "I'm reconnecting to your account. Please try again in a moment.";
export const SAY_NO_ACTIONS = "I can't do anything yet: ";
export const SAY_SERVICE_REFUSED = "The service could not do that.";
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

// Tables of sentences are one literal each, a sentence per line, read
// with nth() (text/list.ts): a literal costs ~22 bytes besides its text.

// The category sentence of each hundred of assembly/faults.ts, line h for
// E<h>xx.
const FAULT_WORDS = `
This device is not set up correctly.
A server sent an answer this device cannot use.
A server refused or could not be reached.
This device could not use its storage.
The action table is not usable.`;

// What is said when an action failed: line f for Failure f (the refusal,
// line 5, is SAY_SERVICE_REFUSED and the backend's words).
const ACTION_FAILURE_WORDS = `
The service took too long to answer. Please try again.
The service sent an answer that was too large.
I can't reach the service right now. Please try again later.
The service had a problem. Please try again later.

The service sent an answer I could not read.
I couldn't reconnect to your account. Please try again later.`;

function faultWords(n: i32): string {
  const h = n / 100;
  return h >= 1 && h <= 5 ? nth(FAULT_WORDS, h, "\n") : WHY_UNKNOWN;
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
  if (f == Failure.Refused) return backendSpeech.length > 0 ? SAY_SERVICE_REFUSED + " " + backendSpeech : SAY_SERVICE_REFUSED;
  const line = f >= Failure.Timeout && f <= Failure.RefreshGaveUp ? <i32>f : <i32>Failure.Unreadable;
  return nth(ACTION_FAILURE_WORDS, line, "\n");
}
