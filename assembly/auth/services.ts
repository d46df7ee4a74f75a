// The two board services the token store (store.ts) is built on: a flash
// region and a device-unique sealing key (boards/ABI.md, storage and
// sealing). The firmware's implementations are in board/storage.ts; the
// unit tests give RAM and fake ones.

/** A flash region addressed from 0 to size() - 1. */
export abstract class Flash {
  /** Size of the region in bytes. */
  abstract size(): i32;
  /** Reads dst.length bytes at offset into dst. 0 ok, < 0 error. */
  abstract read(offset: i32, dst: Uint8Array): i32;
  /** Writes src at offset. 0 ok, < 0 error (possibly after a partial write). */
  abstract write(offset: i32, src: Uint8Array): i32;
}

/**
 * Seals data with a device-unique key (a board service), straight into the
 * caller's buffer: the board seals and unseals in place.
 */
export abstract class Sealer {
  /**
   * Seals `plain` into `dst` when it fits. Returns the sealed length (a
   * length above dst.length means it did not fit and nothing was written),
   * or -1 when sealing failed.
   */
  abstract sealInto(plain: Uint8Array, dst: Uint8Array): i32;

  /**
   * Unseals `sealed` into `dst`; returns the plaintext length, or -1 when
   * authentication fails or it does not fit.
   */
  abstract unsealInto(sealed: Uint8Array, dst: Uint8Array): i32;
}

/**
 * A Sealer made of whole-array seal() and unseal(), copied into place: the
 * shape of the test doubles. The firmware's board sealer does not use it.
 */
export abstract class CopySealer extends Sealer {
  /** Encrypts and authenticates; null on failure. */
  abstract seal(plain: Uint8Array): Uint8Array | null;
  /** Authenticates and decrypts; null when authentication fails. */
  abstract unseal(sealed: Uint8Array): Uint8Array | null;

  sealInto(plain: Uint8Array, dst: Uint8Array): i32 {
    const s = this.seal(plain);
    if (s === null) return -1;
    if (s.length <= dst.length) dst.set<Uint8Array>(s, 0);
    return s.length;
  }

  unsealInto(sealed: Uint8Array, dst: Uint8Array): i32 {
    const p = this.unseal(sealed);
    if (p === null || p.length > dst.length) return -1;
    dst.set<Uint8Array>(p, 0);
    return p.length;
  }
}
