// The device's fixed log lines, as numbers. The module carries only "#N"
// (and the line's one variable part after a space); the words live on the
// host, in host/notes.ts, which prints them. Keeping them out of the module
// saves its data section two bytes per character (strings are UTF-16).
// Lines that are mostly variable (a server's reason, an utterance) stay text.
// A number is never reused for another meaning: add new ones at the end.
import { rawString } from "./net/join";

export const enum Note {
  StoreWarning = 1,          // token store: {}
  ForeignRecord = 2,         // stored link belongs to another issuer or client; ignoring it
  LinkedFromFlash = 3,       // linked from flash (record {})
  ButtonLink = 4,            // button: link
  UnlinkRequested = 5,       // unlink requested
  Heard = 6,                 // heard: {}
  Action = 7,                // action {}
  Discovered = 8,            // discovered endpoints for {}
  LinkingStopped = 9,        // linking stopped: {}
  UnlinkNote = 10,           // unlink: {}
  Spinning = 11,             // a deadline already past came back without progress; waiting
  SendRefused = 12,          // net_request refused with status {}
  Linked = 13,               // linked; tokens stored (record {})
  RefreshNotStored = 14,     // refreshed tokens kept in memory only; a reboot will need a new link
  RefreshStored = 15,        // tokens refreshed and stored (record {})
  InvalidToken = 16,         // backend said invalid_token; refreshing, then retrying once
  ActionError = 17,          // action {}
  SaveFailed = 18,           // token store: save failed (status, reason): {}
  WipeFailed = 19,           // token store: wipe failed: {}
  ConfigNotUtf8 = 20,        // provisioning item is not valid UTF-8 (kind, byte offset): {}
}

/** The line the board logs for a note: "#N", or "#N arg", built in one allocation. */
export function noteLine(n: Note, arg: string = ""): string {
  let v = <u32>n;
  let digits = 1;
  for (let x = v; x >= 10; x /= 10) digits++;
  const tail = arg.length;
  const out = rawString(1 + digits + (tail > 0 ? 1 + tail : 0));
  const p = changetype<usize>(out);
  store<u16>(p, 0x23); // '#'
  for (let i = digits; i > 0; i--) {
    store<u16>(p + (<usize>i << 1), 0x30 + v % 10);
    v /= 10;
  }
  if (tail > 0) {
    const at = p + (<usize>(digits + 1) << 1);
    store<u16>(at, 0x20);
    memory.copy(at + 2, changetype<usize>(arg), <usize>tail << 1);
  }
  return out;
}
