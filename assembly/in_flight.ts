// The requests the device has out, by board request id, and the ones the
// board refused: those complete on the next pass of the event loop with a
// failed connection, never inside the call that sent them (boards/ABI.md,
// net_request). Pure bookkeeping; the coordinator (device.ts) decides.

/** What a request is for: which controller its answer goes to. */
export const enum Purpose { Discovery = 1, Flow = 2, Refresh = 3, Unlink = 4, Action = 5 }

export class InFlight {
  /** Ids of requests in flight and, at the same index, what each was for (a few at most). */
  private ids: Array<i32> = [];
  private purposes: Array<i32> = [];
  /** What refused requests were for, in the order they were refused. */
  private refused: Array<i32> = [];

  sent(id: i32, purpose: i32): void {
    this.ids.push(id);
    this.purposes.push(purpose);
  }

  /** What request `id` was for, now answered; -1 for an id not (or no longer) in flight. */
  answered(id: i32): i32 {
    const ids = this.ids;
    const purposes = this.purposes;
    const last = ids.length - 1;
    for (let i = 0; i <= last; i++) {
      if (ids[i] != id) continue;
      const purpose = purposes[i];
      // The order of requests in flight means nothing: the last one takes this one's place.
      ids[i] = ids[last];
      purposes[i] = purposes[last];
      ids.length = last;
      purposes.length = last;
      return purpose;
    }
    return -1;
  }

  refuse(purpose: i32): void {
    this.refused.push(purpose);
  }

  get hasRefused(): bool {
    return this.refused.length > 0;
  }

  /** The refused requests' purposes, handed over once (most passes have none: then nothing is made). */
  takeRefused(): Array<i32> {
    const r = this.refused;
    if (r.length > 0) this.refused = [];
    return r;
  }
}
