// Power-loss-safe token store: two slots in a small flash region.
//
// The region (flash.size() bytes) is split into two equal slots of
// floor(size / 2) bytes; slot 0 starts at offset 0, slot 1 at the slot size.
// An odd last byte is never used. Each slot holds at most one record:
//
//   offset        size  field
//   0             4     magic "LKT1" (bytes 0x4C 0x4B 0x54 0x31)
//   4             2     format version, u16 (SLOT_FORMAT_VERSION = 1)
//   6             2     reserved, u16: written 0, ignored on read
//   8             4     sequence number, u32
//   12            4     length L of the sealed payload, u32
//   16            L     sealed payload (Sealer.seal of encodeRecord(record))
//   16 + L        4     CRC-32 (IEEE) over bytes [0, 16 + L)
//
// All integers are little-endian. A slot counts as valid only if the magic
// matches, the version is known, L <= slot size - 20, the CRC matches, the
// payload unseals (authenticates) and the plaintext decodes. Anything else
// is ignored, never trusted, and never trapped on.
//
// Sequence numbers use serial-number arithmetic (RFC 1982): b is newer than
// a when (i32)(b - a) > 0, so the counter may wrap past 0xFFFFFFFF. Value 0
// is skipped on wrap so that `sequence == 0` always means "no record". The
// store never holds two valid records more than one step apart: a save
// always writes newest + 1 into the other slot, so the comparison is always
// well defined. Should two valid slots ever carry equal sequences, slot 0
// wins.
//
// Save. The new image goes into the slot that does NOT hold the newest valid
// record, in two writes:
//   1. the whole image [0, 20 + L) with the magic bytes written as zeros;
//   2. the four magic bytes: the commit.
// Until write 2 completes, the target slot's magic is not "LKT1" (the magic
// has no zero byte, so any prefix of write 2 leaves at least one zero in
// it), so a power cut at any byte leaves the other slot's record in force.
// After write 2 the slot is complete and newest. The slot is then read back
// and compared, which catches a flash that drops or corrupts writes.
// A save refuses to run when either slot cannot be read: without knowing
// which slot holds the newest record it could overwrite it.
//
// Wipe. Both slots are overwritten with zeros, one whole-slot write each,
// starting at the magic: slots without a valid record first, then the older
// valid record, the newest valid record last; a slot that cannot be read is
// taken as possibly newest and goes last. A wipe stops at the first failed
// write. Guarantee: at every byte of a torn wipe, load() returns either the
// record that was newest before the wipe (unchanged) or nothing; it never
// brings back an older record, which could hold a refresh token already
// spent at the server.
//
// The guarantees above assume flash that tears a write by leaving a prefix
// of it written, with the rest of that write either old content, erased
// (0xFF) or garbage; a garbage tail that happens to form a whole valid slot
// (matching magic, CRC and authenticated sealing) is not guarded against.

import { crc32 } from "./crc32";
import { putU32, getU16, getU32 } from "./le";
import { workBuffer } from "../net/buffer";
import { TokenRecord, recordSize, encodeRecordInto, decodeRecord, checkRecord } from "./token_record";
import { Fault, fault } from "../faults";

export { Flash, Sealer, CopySealer } from "./services";
import { Flash, Sealer } from "./services";

/** The magic bytes "LKT1" read as a little-endian u32. */
export const SLOT_MAGIC: u32 = 0x31544b4c;
export const SLOT_FORMAT_VERSION: u16 = 1;
export const SLOT_HEADER_SIZE: i32 = 16;
export const SLOT_CRC_SIZE: i32 = 4;
/** Header plus CRC: a slot holds at most slotSize - SLOT_OVERHEAD payload bytes. */
export const SLOT_OVERHEAD: i32 = SLOT_HEADER_SIZE + SLOT_CRC_SIZE;

export const STORE_OK: i32 = 0;
/** A flash read failed. */
export const STORE_ERR_READ: i32 = -1;
/** A flash write failed (it may have been torn). */
export const STORE_ERR_WRITE: i32 = -2;
/** The sealer refused to seal. */
export const STORE_ERR_SEAL: i32 = -3;
/** The sealed record does not fit in a slot; nothing was written. */
export const STORE_ERR_TOO_LARGE: i32 = -4;
/** The flash region is too small to hold even an empty slot. */
export const STORE_ERR_REGION: i32 = -5;
/** The slot read back after a save differs from what was written. */
export const STORE_ERR_VERIFY: i32 = -6;

/** True when sequence b is newer than a (RFC 1982 serial comparison). */
export function sequenceNewer(b: u32, a: u32): bool {
  return <i32>(b - a) > 0;
}

/** The sequence that follows s; 0 is skipped on wrap. */
export function nextSequence(s: u32): u32 {
  const n = s + 1;
  return n == 0 ? 1 : n;
}

/** What a scan found in one slot. */
class SlotState {
  readable: bool = true;
  valid: bool = false;
  sequence: u32 = 0;
  /** The record, when the scan was asked to decode it. */
  record: TokenRecord | null = null;
  /** Why the slot was not valid, a fault whose argument is the slot; 0 when valid or empty. */
  reason: Fault = 0;
}

export class TokenStore {
  private flash: Flash;
  private sealer: Sealer;
  private seq: u32 = 0;
  /** Description of the last failure; "" after a successful operation. */
  lastError: string = "";

  constructor(flash: Flash, sealer: Sealer) {
    this.flash = flash;
    this.sealer = sealer;
  }

  /** Sequence number of the newest record seen by the last operation; 0 = none. */
  get sequence(): u32 {
    return this.seq;
  }

  /** Bytes per slot: floor(size / 2). */
  slotSize(): i32 {
    const size = this.flash.size();
    return size > 0 ? size >> 1 : 0;
  }

  /** Largest sealed payload a slot can hold; negative if the region is too small. */
  capacity(): i32 {
    return this.slotSize() - SLOT_OVERHEAD;
  }

  /** The newest valid record, or null when there is none. */
  load(): TokenRecord | null {
    this.lastError = "";
    const size = this.slotSize();
    const read = workBuffer(size, 0);
    const plain = workBuffer(size, size);
    const s0 = this.scanSlot(0, read, plain, false);
    const s1 = this.scanSlot(1, read, plain, false);
    const newest = this.pickNewest(s0, s1);
    if (newest < 0) {
      this.seq = 0;
      this.lastError = this.describe(s0, s1);
      return null;
    }
    // Only the record kept is decoded into text; the other was only checked.
    const s = this.scanSlot(newest, read, plain, true);
    if (!s.valid) {
      this.seq = 0;
      this.lastError = fault(Fault.SlotChanged, newest.toString());
      return null;
    }
    this.seq = s.sequence;
    if (!s0.readable || !s1.readable) this.lastError = this.describe(s0, s1);
    return s.record;
  }

  /**
   * Persists r as the newest record. 0 ok, < 0 one of the STORE_ERR_* codes.
   *
   * Memory: two slot-sized buffers (the scans' read and plaintext buffers,
   * then the record's plaintext and its slot image), so a save of the
   * largest record a slot holds needs 2 x slotSize() bytes of heap.
   */
  save(r: TokenRecord): i32 {
    this.lastError = "";
    const cap = this.capacity();
    if (cap < 0) return this.fail(STORE_ERR_REGION, fault(Fault.RegionTooSmall));

    const size = this.slotSize();
    const read = workBuffer(size, 0);
    const image = workBuffer(size, size);
    const s0 = this.scanSlot(0, read, image, false);
    const s1 = this.scanSlot(1, read, image, false);
    if (!s0.readable || !s1.readable) {
      return this.fail(STORE_ERR_READ, this.describe(s0, s1));
    }

    // The scans are done: the read buffer takes the plaintext, the other
    // buffer the slot image the record is sealed into.
    const plainLen = recordSize(r);
    const plain = plainLen <= size ? read.subarray(0, plainLen) : new Uint8Array(plainLen);
    encodeRecordInto(r, plain);
    const len = this.sealer.sealInto(plain, image.subarray(SLOT_HEADER_SIZE, SLOT_HEADER_SIZE + cap));
    if (len < 0) return this.fail(STORE_ERR_SEAL, fault(Fault.SealFailed));
    if (len > cap) return this.fail(STORE_ERR_TOO_LARGE, fault(Fault.RecordTooLarge, len.toString() + " " + cap.toString()));

    // The other slot than the newest record's (slot 0 when there is none), one sequence on.
    const newest = this.pickNewest(s0, s1);
    this.seq = newest < 0 ? 0 : (newest == 0 ? s0.sequence : s1.sequence);
    const target = newest == 0 ? 1 : 0;
    const seq = nextSequence(this.seq);

    const total = SLOT_OVERHEAD + len;
    putU32(image, 0, SLOT_MAGIC);
    putU32(image, 4, SLOT_FORMAT_VERSION); // and the reserved u16, 0
    putU32(image, 8, seq);
    putU32(image, 12, <u32>len);
    putU32(image, SLOT_HEADER_SIZE + len, crc32(image, 0, SLOT_HEADER_SIZE + len));

    const base = target * size;
    const slot = target.toString();
    // Write 1: everything but the magic (written as zeros); write 2: the magic commits the slot.
    putU32(image, 0, 0);
    let rc = this.flash.write(base, image.subarray(0, total));
    putU32(image, 0, SLOT_MAGIC);
    if (rc >= 0) rc = this.flash.write(base, image.subarray(0, 4));
    if (rc < 0) return this.fail(STORE_ERR_WRITE, fault(Fault.WriteFailed, slot));

    // Read back into the plaintext's buffer (sealed: no longer needed).
    const back = read.subarray(0, total);
    if (this.flash.read(base, back) < 0) return this.fail(STORE_ERR_READ, fault(Fault.SlotReadFailed, slot));
    if (memory.compare(back.dataStart, image.dataStart, <usize>total) != 0) return this.fail(STORE_ERR_VERIFY, fault(Fault.VerifyFailed, slot));
    this.seq = seq;
    return STORE_OK;
  }

  /**
   * Erases both slots (overwrites them with zeros), older record first and
   * newest last, so a torn wipe never brings back an older record.
   */
  wipe(): i32 {
    this.lastError = "";
    const size = this.slotSize();
    if (size <= 0) {
      this.seq = 0;
      return STORE_OK;
    }
    // The scans' read buffer, zeroed afterwards, is the erase image.
    const zeros = workBuffer(size, 0);
    const plain = workBuffer(size, size);
    const s0 = this.scanSlot(0, zeros, plain, false);
    const s1 = this.scanSlot(1, zeros, plain, false);
    // Rank: 0 = no valid record, 1 = valid but older, 2 = newest or unknown.
    const newest = this.pickNewest(s0, s1);
    const r0 = !s0.readable || newest == 0 ? 2 : s0.valid ? 1 : 0;
    const r1 = !s1.readable || newest == 1 ? 2 : s1.valid ? 1 : 0;
    const first = r1 < r0 ? 1 : 0;
    zeros.fill(0);
    for (let k = 0; k < 2; k++) {
      const slot = k == 0 ? first : 1 - first;
      if (this.flash.write(slot * size, zeros) < 0) {
        return this.fail(STORE_ERR_WRITE, fault(Fault.WriteFailed, slot.toString()));
      }
    }
    this.seq = 0;
    return STORE_OK;
  }

  private fail(code: i32, message: string): i32 {
    this.lastError = message;
    return code;
  }

  /** Index of the slot holding the newest valid record, or -1. */
  private pickNewest(s0: SlotState, s1: SlotState): i32 {
    if (s0.valid && s1.valid) return sequenceNewer(s1.sequence, s0.sequence) ? 1 : 0;
    if (s0.valid) return 0;
    if (s1.valid) return 1;
    return -1;
  }

  /** Why a slot is not valid, slot 0 first; "" when neither has a problem (an empty slot is none). */
  private describe(s0: SlotState, s1: SlotState): string {
    if (s0.reason != 0) return fault(s0.reason, "0");
    return s1.reason != 0 ? fault(s1.reason, "1") : "";
  }

  /**
   * Reads and checks one slot: its image into `read`, its plaintext into
   * `plain` (both slot-sized views of the working buffer, net/buffer.ts:
   * no fresh 8 KiB holes to find). The record is decoded into text only when
   * `decode` is true; otherwise it is checked in place, so scanning both
   * slots allocates nothing per slot but the small state.
   */
  private scanSlot(slot: i32, read: Uint8Array, plain: Uint8Array, decode: bool): SlotState {
    const st = new SlotState();
    const size = this.slotSize();
    const cap = size - SLOT_OVERHEAD;
    if (cap < 0) {
      st.reason = Fault.RegionTooSmall;
      return st;
    }
    const base = slot * size;
    const header = read.subarray(0, SLOT_HEADER_SIZE);
    if (this.flash.read(base, header) < 0) {
      st.readable = false;
      st.reason = Fault.SlotReadFailed;
      return st;
    }
    if (getU32(header, 0) != SLOT_MAGIC) {
      // Erased, wiped or torn before its commit: the normal empty state.
      return st;
    }
    const version = getU16(header, 4);
    if (version != <u32>SLOT_FORMAT_VERSION) {
      st.reason = Fault.SlotVersion;
      return st;
    }
    const len = getU32(header, 12);
    if (len > <u32>cap) {
      st.reason = Fault.SlotLength;
      return st;
    }
    const n = <i32>len;
    if (this.flash.read(base + SLOT_HEADER_SIZE, read.subarray(SLOT_HEADER_SIZE, SLOT_HEADER_SIZE + n + SLOT_CRC_SIZE)) < 0) {
      st.readable = false;
      st.reason = Fault.SlotReadFailed;
      return st;
    }
    if (crc32(read, 0, SLOT_HEADER_SIZE + n) != getU32(read, SLOT_HEADER_SIZE + n)) {
      st.reason = Fault.SlotCrc;
      return st;
    }
    const plainLen = this.sealer.unsealInto(read.subarray(SLOT_HEADER_SIZE, SLOT_HEADER_SIZE + n), plain);
    if (plainLen < 0) {
      st.reason = Fault.SlotUnauthentic;
      return st;
    }
    const record = plain.subarray(0, plainLen);
    let rec: TokenRecord | null = null;
    if (decode) {
      rec = decodeRecord(record);
      if (rec === null) {
        st.reason = Fault.SlotUndecodable;
        return st;
      }
    } else if (!checkRecord(record)) {
      st.reason = Fault.SlotUndecodable;
      return st;
    }
    st.valid = true;
    st.sequence = getU32(read, 8);
    st.record = rec;
    return st;
  }
}
