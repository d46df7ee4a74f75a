// Sentences built from the words of words.txt: reasons as shown and as
// said, and what is said when an action failed. None may hold a token or a
// secret; codes a server sends go to the screen and the log, not to the
// speaker.
import { Failure } from "../actions/exchange";
import { faultOf } from "../faults";
import { W, words } from "./words";

/** The category sentence of fault E<n>: words.txt Fault1xx to Fault5xx by its hundred. */
function faultWords(n: i32): string {
  const h = n / 100;
  return words(h >= 1 && h <= 5 ? <W>(W.Fault1xx + h - 1) : W.WhyUnknown);
}

/**
 * A reason as a screen shows it, never empty: words as they are; a fault
 * as its category sentence and its code, "… (E301 invalid_client)".
 */
export function reasonOr(reason: string): string {
  if (reason.length == 0) return words(W.WhyUnknown);
  const n = faultOf(reason);
  return n == 0 ? reason : faultWords(n) + " (" + reason + ")";
}

/** A reason as it is said: a fault's code is for the screen and the log, not the speaker. */
export function spokenReason(reason: string): string {
  if (reason.length == 0) return words(W.WhyUnknown);
  const n = faultOf(reason);
  return n == 0 ? reason : faultWords(n);
}

/** What is said when an action failed; the backend's own words follow a refusal. */
export function actionFailureWords(f: Failure, backendSpeech: string): string {
  if (f == Failure.Refused && backendSpeech.length > 0) return words(W.FailRefused) + " " + backendSpeech;
  // words.txt lists the sentences in Failure order, from FailTimeout (Failure.Timeout).
  const known = f >= Failure.Timeout && f <= Failure.RefreshGaveUp;
  return words(<W>(W.FailTimeout + (known ? <i32>f : <i32>Failure.Unreadable) - <i32>Failure.Timeout));
}
