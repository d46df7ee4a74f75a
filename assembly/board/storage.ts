// The token store's flash and sealing, backed by the board ABI
// (boards/ABI.md, Storage and Sealing).
import * as abi from "./imports";
import { Flash, Sealer } from "../auth/store";
import { Cap, cap } from "./board";

export class BoardFlash extends Flash {
  size(): i32 {
    return abi.storage_size();
  }
  read(offset: i32, dst: Uint8Array): i32 {
    return abi.storage_read(offset, dst.dataStart, dst.byteLength);
  }
  write(offset: i32, src: Uint8Array): i32 {
    return abi.storage_write(offset, src.dataStart, src.byteLength);
  }
}

export class BoardSealer extends Sealer {
  /** Seals straight into the slot image: no intermediate buffer (ABI.md, Sealing). */
  sealInto(plain: Uint8Array, dst: Uint8Array): i32 {
    const overhead = cap(Cap.SealOverhead);
    if (overhead < 0) return -1;
    const need = plain.byteLength + overhead;
    if (need > dst.byteLength) return need;
    const n = abi.seal(plain.dataStart, plain.byteLength, dst.dataStart, dst.byteLength);
    if (n < 0 || n > dst.byteLength) return -1;
    return n;
  }
  unsealInto(sealed: Uint8Array, dst: Uint8Array): i32 {
    const n = abi.unseal(sealed.dataStart, sealed.byteLength, dst.dataStart, dst.byteLength);
    if (n < 0 || n > dst.byteLength) return -1;
    return n;
  }
}
