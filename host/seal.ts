// The simulator's sealing service (boards/ABI.md, Sealing): AES-256-GCM with
// a per-device key file created on first boot with mode 0600. On hardware
// the key lives in a secure element or eFuses and never reaches the CPU.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

const NONCE = 12, TAG = 16;
// Bound to this use, so a sealed blob cannot be replayed into another service.
const AAD = Buffer.from("linkfw-seal-v1");

export class Sealer {
  readonly overhead = NONCE + TAG;
  private key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error("sealing key must be 32 bytes");
    this.key = key;
  }

  /** Loads the key file, creating it (0600) with a fresh random key on first boot. */
  static fromKeyFile(path: string): Sealer {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, randomBytes(32), { mode: 0o600 });
      chmodSync(path, 0o600);
    }
    const key = readFileSync(path);
    if (key.length !== 32) throw new Error(`sealing key file ${path} is not 32 bytes; remove it to make a new device identity`);
    return new Sealer(key);
  }

  seal(plain: Uint8Array): Uint8Array {
    const nonce = randomBytes(NONCE);
    const c = createCipheriv("aes-256-gcm", this.key, nonce);
    c.setAAD(AAD);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([nonce, body, c.getAuthTag()]);
  }

  unseal(sealed: Uint8Array): Uint8Array | null {
    if (sealed.length < NONCE + TAG) return null;
    const b = Buffer.from(sealed);
    try {
      const d = createDecipheriv("aes-256-gcm", this.key, b.subarray(0, NONCE));
      d.setAAD(AAD);
      d.setAuthTag(b.subarray(b.length - TAG));
      return Buffer.concat([d.update(b.subarray(NONCE, b.length - TAG)), d.final()]);
    } catch {
      return null;
    }
  }
}
