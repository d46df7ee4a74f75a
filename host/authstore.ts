// Where the embedded authorization server keeps its grants, sessions, codes
// and tokens: the storage adapter oidc-provider asks for (its "adapter"
// interface: upsert, find, findByUserCode, findByUid, consume, destroy,
// revokeByGrantId, one instance per model name).
//
// Two stores with the same behaviour:
//   - MemoryStore: one per server instance, gone when the process ends
//     (tests that start a fresh server every time);
//   - FileStore: NeDB (`@seald-io/nedb`) in one file, so a simulator that is
//     stopped and started again still knows the grants and refresh tokens it
//     issued. NeDB is plain JavaScript (no native module, nothing downloaded
//     at install time), keeps an append-only log that it compacts on load,
//     and has the secondary indexes the adapter needs (user code, session
//     uid, grant id).
//
// Both keep expired entries for a grace period instead of dropping them at
// expiry: the provider checks every artifact's expiry itself, and a device
// code that is gone answers invalid_grant where RFC 8628 §3.5 wants
// expired_token.
//
// Abandoned sign-in attempts: when a person enters a user code and confirms
// it, oidc-provider marks the device code "inFlight" and starts the sign-in.
// If the page is closed there, the provider answers every later entry of the
// same code with "already used", while the device keeps showing it. The only
// caller of findByUserCode is the code entry page, and it refuses an in-flight
// code, so a second entry of an in-flight code that has neither an account
// nor an error means the first attempt was abandoned: the code is handed out
// as fresh again (`reopenAbandoned`).
import Datastore from "@seald-io/nedb";

export type Payload = Record<string, any>;

export interface GrantStore {
  /** The adapter class for oidc-provider's `adapter` setting. */
  adapterClass(): new (name: string) => object;
  /**
   * Removes every grant of `sub` (every grant when absent) and everything
   * issued under it. Returns how many grants were removed.
   */
  revokeGrantsFor(sub?: string): Promise<number>;
  close(): Promise<void>;
}

/** Time an expired entry is kept before it may be swept, ms. */
const EXPIRED_GRACE_MS = 15 * 60 * 1000;
/** Entries without a lifetime live a year. */
const NO_TTL_MS = 365 * 24 * 3600 * 1000;
/** Sweeps at most this often, ms. */
const SWEEP_EVERY_MS = 10_000;

function sweepAfter(expiresIn?: number): number {
  const ttl = typeof expiresIn === "number" && expiresIn > 0 ? expiresIn * 1000 : NO_TTL_MS;
  return Date.now() + ttl + EXPIRED_GRACE_MS;
}

/** A device code entered again while its first sign-in never finished: usable again. */
export function reopenAbandoned(p: Payload | undefined): { payload: Payload | undefined; reopened: boolean } {
  if (!p || !p.inFlight || p.accountId || p.error) return { payload: p, reopened: false };
  const copy = { ...p };
  delete copy.inFlight;
  return { payload: copy, reopened: true };
}

// ---------------------------------------------------------------------------

interface Entry {
  payload: Payload;
  sweepAfter: number;
}

export class MemoryStore implements GrantStore {
  private models = new Map<string, Map<string, Entry>>();
  private userCodes = new Map<string, string>(); // userCode -> DeviceCode id
  private sessionUids = new Map<string, string>(); // uid -> Session id
  private lastSweep = 0;

  constructor(private onReopen: (userCode: string) => void = () => {}) {}

  private model(name: string): Map<string, Entry> {
    let m = this.models.get(name);
    if (!m) {
      m = new Map();
      this.models.set(name, m);
    }
    return m;
  }

  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const m of this.models.values()) {
      for (const [id, e] of m) if (e.sweepAfter < now) m.delete(id);
    }
  }

  adapterClass(): new (name: string) => object {
    const store = this;
    return class MemoryAdapter {
      constructor(public name: string) {}
      async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
        store.sweep();
        store.model(this.name).set(id, { payload: structuredClone(payload), sweepAfter: sweepAfter(expiresIn) });
        if (this.name === "Session" && payload.uid) store.sessionUids.set(payload.uid, id);
        if (payload.userCode) store.userCodes.set(payload.userCode, id);
      }
      async find(id: string): Promise<Payload | undefined> {
        const e = store.model(this.name).get(id);
        return e ? structuredClone(e.payload) : undefined;
      }
      async findByUserCode(userCode: string): Promise<Payload | undefined> {
        const id = store.userCodes.get(userCode);
        if (id === undefined) return undefined;
        const r = reopenAbandoned(await this.find(id));
        if (r.reopened) {
          store.model(this.name).get(id)!.payload = structuredClone(r.payload!);
          store.onReopen(userCode);
        }
        return r.payload;
      }
      async findByUid(uid: string): Promise<Payload | undefined> {
        const id = store.sessionUids.get(uid);
        return id === undefined ? undefined : this.find(id);
      }
      async consume(id: string): Promise<void> {
        const e = store.model(this.name).get(id);
        if (e) e.payload.consumed = Math.floor(Date.now() / 1000);
      }
      async destroy(id: string): Promise<void> {
        store.model(this.name).delete(id);
      }
      async revokeByGrantId(grantId: string): Promise<void> {
        const m = store.model(this.name);
        for (const [id, e] of m) if (e.payload.grantId === grantId) m.delete(id);
      }
    };
  }

  async revokeGrantsFor(sub?: string): Promise<number> {
    const grants = this.model("Grant");
    const victims: string[] = [];
    for (const [id, e] of grants) if (sub === undefined || e.payload.accountId === sub) victims.push(id);
    for (const grantId of victims) {
      for (const [name, m] of this.models) {
        if (name === "Grant") continue;
        for (const [id, e] of m) if (e.payload.grantId === grantId) m.delete(id);
      }
      grants.delete(grantId);
    }
    return victims.length;
  }

  async close(): Promise<void> {}
}

// ---------------------------------------------------------------------------

/** One stored artifact. The payload is kept as JSON text: its keys may hold dots (resource URLs), which NeDB refuses as field names. */
interface Doc {
  _id: string;
  model: string;
  json: string;
  grantId?: string;
  userCode?: string;
  uid?: string;
  accountId?: string;
  sweepAfter: number;
}

export class FileStore implements GrantStore {
  private lastSweep = 0;

  private constructor(private db: Datastore<Doc>, private onReopen: (userCode: string) => void) {}

  /** Opens (or creates) the store in `file`; throws with the file's name when it cannot be read. */
  static async open(file: string, onReopen: (userCode: string) => void = () => {}): Promise<FileStore> {
    const db = new Datastore<Doc>({ filename: file });
    try {
      await db.loadDatabaseAsync();
    } catch (e) {
      throw new Error(`cannot load the authorization server's store ${file}: ${(e as Error).message}`);
    }
    for (const fieldName of ["model", "grantId", "userCode", "uid"]) await db.ensureIndexAsync({ fieldName, sparse: true });
    const store = new FileStore(db, onReopen);
    await store.sweep(true);
    return store;
  }

  private async sweep(force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    await this.db.removeAsync({ sweepAfter: { $lt: now } }, { multi: true });
  }

  adapterClass(): new (name: string) => object {
    const store = this;
    const db = this.db;
    const key = (model: string, id: string) => `${model}:${id}`;
    const payloadOf = (d: Doc | null) => (d ? (JSON.parse(d.json) as Payload) : undefined);
    return class FileAdapter {
      constructor(public name: string) {}
      async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
        await store.sweep();
        const doc: Doc = { _id: key(this.name, id), model: this.name, json: JSON.stringify(payload), sweepAfter: sweepAfter(expiresIn) };
        if (typeof payload.grantId === "string") doc.grantId = payload.grantId;
        if (typeof payload.userCode === "string") doc.userCode = payload.userCode;
        if (this.name === "Session" && typeof payload.uid === "string") doc.uid = payload.uid;
        if (typeof payload.accountId === "string") doc.accountId = payload.accountId;
        await db.updateAsync({ _id: doc._id }, doc, { upsert: true });
      }
      async find(id: string): Promise<Payload | undefined> {
        return payloadOf(await db.findOneAsync({ _id: key(this.name, id) }));
      }
      async findByUserCode(userCode: string): Promise<Payload | undefined> {
        const d = await db.findOneAsync({ model: this.name, userCode });
        const r = reopenAbandoned(payloadOf(d));
        if (r.reopened) {
          await db.updateAsync({ _id: d!._id }, { $set: { json: JSON.stringify(r.payload) } }, {});
          store.onReopen(userCode);
        }
        return r.payload;
      }
      async findByUid(uid: string): Promise<Payload | undefined> {
        return payloadOf(await db.findOneAsync({ model: this.name, uid }));
      }
      async consume(id: string): Promise<void> {
        const d = await db.findOneAsync({ _id: key(this.name, id) });
        if (!d) return;
        const p = JSON.parse(d.json) as Payload;
        p.consumed = Math.floor(Date.now() / 1000);
        await db.updateAsync({ _id: d._id }, { $set: { json: JSON.stringify(p) } }, {});
      }
      async destroy(id: string): Promise<void> {
        await db.removeAsync({ _id: key(this.name, id) }, {});
      }
      async revokeByGrantId(grantId: string): Promise<void> {
        await db.removeAsync({ model: this.name, grantId }, { multi: true });
      }
    };
  }

  async revokeGrantsFor(sub?: string): Promise<number> {
    const query: Record<string, unknown> = { model: "Grant" };
    if (sub !== undefined) query.accountId = sub;
    const grants = await this.db.findAsync(query);
    for (const g of grants) {
      const grantId = g._id.slice("Grant:".length);
      await this.db.removeAsync({ grantId }, { multi: true });
      await this.db.removeAsync({ _id: g._id }, {});
    }
    return grants.length;
  }

  async close(): Promise<void> {
    // Rewrites the append-only log as one line per live entry.
    await this.db.compactDatafileAsync();
  }
}
