// Simulated flash: a region of the board profile's size, in memory or
// backed by a file, with the one failure that matters: a write torn by a
// power cut after some bytes (the fault hook used by tests).
import { closeSync, existsSync, fstatSync, openSync, readSync, writeSync, ftruncateSync } from "node:fs";

export const ERASED = 0xff;

export class Flash {
  private data: Uint8Array;
  private fd: number | null = null;
  /** When set, the next write stores only this many bytes, then fails like a power cut. */
  tearNextWriteAfter: number | null = null;
  /** Called after a torn write (a test may kill the process here). */
  onTear: (() => void) | null = null;
  writes = 0;

  constructor(readonly size: number, path?: string) {
    this.data = new Uint8Array(size).fill(ERASED);
    if (path) {
      const fresh = !existsSync(path);
      this.fd = openSync(path, fresh ? "w+" : "r+", 0o600);
      const st = fstatSync(this.fd);
      if (!fresh && st.size > 0) readSync(this.fd, this.data, 0, Math.min(size, st.size), 0);
      if (st.size !== size) {
        ftruncateSync(this.fd, size);
        writeSync(this.fd, this.data, 0, size, 0);
      }
    }
  }

  /** The whole region (tests read it to prove no token sits there in plain text). */
  image(): Uint8Array {
    return this.data.slice();
  }

  read(offset: number, dst: Uint8Array): number {
    if (offset < 0 || offset + dst.length > this.size) return -1;
    dst.set(this.data.subarray(offset, offset + dst.length));
    return 0;
  }

  write(offset: number, src: Uint8Array): number {
    if (offset < 0 || offset + src.length > this.size) return -1;
    this.writes++;
    let n = src.length;
    const tear = this.tearNextWriteAfter;
    if (tear !== null) {
      this.tearNextWriteAfter = null;
      n = Math.max(0, Math.min(tear, src.length));
    }
    this.data.set(src.subarray(0, n), offset);
    if (this.fd !== null) {
      // Written through to the file before returning, so a SIGKILL right after
      // loses nothing that returned 0 (the page cache outlives the process).
      // No fsync: the simulator models a board's power cut with the tear hook,
      // not a crash of the machine running it.
      writeSync(this.fd, this.data, offset, n, offset);
    }
    if (tear !== null) {
      this.onTear?.();
      return -5;
    }
    return 0;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
