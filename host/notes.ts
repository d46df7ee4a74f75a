// The words of the firmware's numbered log lines (assembly/notes.ts). The
// module logs "#N" or "#N arg"; the host prints the line below with the
// argument in place of {}. Numbers are never reused.
import { expandFault } from "./faults.ts";

export const NOTES: Record<number, string> = {
  1: "token store: {}",
  2: "stored link belongs to another issuer or client; ignoring it",
  3: "linked from flash (record {})",
  4: "button: link",
  5: "unlink requested",
  6: "heard: {}",
  7: "action {}",
  8: "discovered endpoints for {}",
  9: "linking stopped: {}",
  10: "unlink: {}",
  11: "a deadline already past came back without progress; waiting",
  12: "net_request refused with status {}",
  13: "linked; tokens stored (record {})",
  14: "refreshed tokens kept in memory only; a reboot will need a new link",
  15: "tokens refreshed and stored (record {})",
  16: "backend said invalid_token; refreshing, then retrying once",
  17: "action {}",
  18: "token store: save failed {}",
  19: "token store: wipe failed: {}",
  80: "provisioning item {} (kind:first bad byte) is not valid UTF-8",
};

/**
 * A log line as a person reads it: a numbered note in words, a fault code
 * (host/faults.ts) in words, also as a note's argument; anything else as it came.
 */
export function expandNote(line: string): string {
  const m = /^#(\d+)(?: ([\s\S]*))?$/.exec(line);
  if (!m) return expandFault(line);
  const words = NOTES[Number(m[1])];
  if (words === undefined) return line;
  const arg = expandFault(m[2] ?? "");
  return words.includes("{}") ? words.replace("{}", () => arg) : words;
}
