// A small module around the firmware's QR encoder, so the Node test can
// drive it directly and compare it with another encoder. Only scalars
// cross: the test writes the payload into the input buffer, encodes, then
// reads the symbol module by module.

import { Ecl, QrCode, encodeQr } from "../../assembly/qr/qr";

let input = new Uint8Array(256);
let current: QrCode | null = null;

/** Address of an input buffer of at least `len` bytes, valid until the next call. */
export function qr_input(len: i32): usize {
  if (len > input.length) input = new Uint8Array(len);
  return input.dataStart;
}

/**
 * Encodes the first `len` input bytes at level `ecl` (0 = L, 1 = M) with
 * mask `mask` (−1 = automatic). Returns the symbol's size in modules, or 0
 * when the data does not fit version 10.
 */
export function qr_encode(len: i32, ecl: i32, mask: i32): i32 {
  if (len < 0 || len > input.length) return 0;
  current = encodeQr(input.subarray(0, len), ecl == 0 ? Ecl.L : Ecl.M, mask);
  const qr = current;
  return qr === null ? 0 : qr.size;
}

/** 1 when the module at column x, row y of the last symbol is dark. */
export function qr_module(x: i32, y: i32): i32 {
  const qr = current;
  return qr !== null && qr.getModule(x, y) ? 1 : 0;
}

export function qr_version(): i32 {
  const qr = current;
  return qr === null ? 0 : qr.version;
}

export function qr_mask(): i32 {
  const qr = current;
  return qr === null ? -1 : qr.mask;
}

/**
 * Frees what the encodes left behind. The release build's minimal runtime
 * never collects by itself (the firmware collects at the end of every
 * entry), so a caller that encodes in a loop calls this in between.
 */
export function qr_collect(): void {
  __collect();
}
