// The offline outbox of docs/protocol.md ("Offline outbox"): every write a volunteer makes
// is saved on the phone first, with its client_id and the phone's time, and sent when the
// connection is up; it stays until the server's Ack (committed to disk) or a refusal that
// will not change on retry. Entries survive a closed app and a rebooted phone (the store
// is IndexedDB in the page), and go out in the order they were made, except that an SOS
// goes before everything still waiting: a queue of check-ins must never delay it.
//
// Once stored or refused, an entry keeps no free text and no position (RAW_FIELDS).
//
// A write that needs the id of an earlier one (a check-in on a patrol whose StartPatrol is
// still waiting, "I am safe" for an SOS still waiting) names that write's client_id in
// `patrolOf` or `alertOf`; the id from its Ack fills the field when it is sent. If that
// write was refused, so is this one.
import { newClientId, pb } from "../proto";
import { Backoff } from "./backoff";
import { Connection, RequestError } from "./connection";

export type WriteKind = "startPatrol" | "checkIn" | "endPatrol" | "submitNote" | "raiseSos" | "resolveAlert" | "signUp" | "withdraw";

// waiting: on the phone, not sent (or sent on a connection that dropped before its answer);
// sent: on its way, no answer yet; stored: the server's Ack; refused: an Error that will
// not change on retry (shown to the volunteer, never dropped silently).
export type EntryState = "waiting" | "sent" | "stored" | "refused";

export interface Refusal {
  code: string;
  field: string;
  reason: string;
  params: Record<string, string>;
  message: string;
}

export interface OutboxEntry {
  clientId: string;
  // Local order: grows with every write made on this phone.
  seq: number;
  kind: WriteKind;
  // The request's fields (protobufjs names) without client_id, as the volunteer made it.
  body: Record<string, unknown>;
  patrolOf?: string;
  alertOf?: string;
  state: EntryState;
  // The volunteer id of the sign-in that made it ("" when none was known yet): it is sent
  // only under that sign-in, never under the next account on the same phone.
  owner?: string;
  // The phone's time when the volunteer acted.
  createdMs: number;
  // From the Ack: the new patrol's id for startPatrol, the alert's for raiseSos.
  ackId?: string;
  duplicate?: boolean;
  scrubReport?: pb.IScrubReport;
  refusal?: Refusal;
}

// Where entries are kept: IndexedDB in the page (outbox_store.ts), memory in the unit tests.
export interface OutboxStore {
  load(): Promise<OutboxEntry[]>;
  put(entry: OutboxEntry): Promise<void>;
  remove(clientId: string): Promise<void>;
}

// Settled entries stay on screen for a day, at most this many, so the volunteer can see
// what was stored tonight.
const KEEP_SETTLED_MS = 24 * 3600 * 1000;
const KEEP_SETTLED = 100;
// Errors that say "not now": the entry stays and goes again after a wait.
const RETRYABLE = new Set(["UNAVAILABLE", "RESOURCE_EXHAUSTED", "INTERNAL"]);
// Fields the phone keeps only until the server has them: the raw free text (the server
// stores it scrubbed) and the exact position (the server stores a coarse cell).
const RAW_FIELDS = ["text", "message", "note", "reason", "location"];

export function isPending(entry: OutboxEntry): boolean {
  return entry.state === "waiting" || entry.state === "sent";
}

// A refusal as the page's errors.ts translates it.
export function refusalError(refusal: Refusal): RequestError {
  return new RequestError(refusal.code, refusal.field, refusal.message, refusal.reason, refusal.params);
}

export class Outbox {
  private entries: OutboxEntry[] = [];
  private listeners = new Set<() => void>();
  private waiters = new Map<string, Array<(entry: OutboxEntry) => void>>();
  private draining = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private nextSeq = 1;
  private loaded: Promise<void>;

  private owner = "";

  constructor(private readonly conn: Connection, private readonly store: OutboxStore,
              private readonly backoff = new Backoff(), private readonly now: () => number = Date.now) {
    this.loaded = this.load();
    conn.subscribe((state) => {
      if (state === "online") void this.setOwner(conn.lastWelcome?.volunteerId ?? "");
    });
  }

  // Who is signed in: the Welcome's volunteer (set by the connection), or before it comes,
  // the last sign-in's (the page opened with no network). Writes made under another
  // volunteer are refused here and never sent: a phone that changed hands must not send
  // the previous account's SOS, check-ins or notes as the new one's.
  async setOwner(volunteerId: string): Promise<void> {
    this.owner = volunteerId;
    await this.loaded;
    for (const e of this.entries) {
      if (!isPending(e)) continue;
      if (!e.owner) {
        e.owner = volunteerId;
        await this.store.put(e).catch(() => undefined);
      } else if (e.owner !== volunteerId) {
        await this.settle(e, { state: "refused", refusal: { code: "UNAUTHENTICATED", field: "", reason: "OUTBOX_OTHER_ACCOUNT",
          params: {}, message: "made under another sign-in on this phone: not sent" } });
      }
    }
    void this.drain();
  }

  // Reads what an earlier run of the app left: entries that were "sent" when it closed are
  // waiting again (their answer, if any, was lost with the connection).
  private async load(): Promise<void> {
    let stored: OutboxEntry[] = [];
    try {
      stored = await this.store.load();
    } catch {
      stored = [];
    }
    const known = new Set(this.entries.map((e) => e.clientId));
    for (const e of stored) {
      if (known.has(e.clientId)) continue;
      this.entries.push(e.state === "sent" ? { ...e, state: "waiting" } : e);
    }
    this.entries.sort((a, b) => a.seq - b.seq);
    this.nextSeq = Math.max(this.nextSeq, ...this.entries.map((e) => e.seq + 1));
    await this.prune();
    this.changed();
    void this.drain();
  }

  // Resolves once the entries saved by an earlier run are in the list.
  ready(): Promise<void> {
    return this.loaded;
  }

  // Oldest first: the writes still pending and the recent settled ones.
  list(): OutboxEntry[] {
    return [...this.entries];
  }

  pending(): number {
    return this.entries.filter(isPending).length;
  }

  find(clientId: string): OutboxEntry | undefined {
    return this.entries.find((e) => e.clientId === clientId);
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  // Saves a write and sends it as soon as the connection allows. Resolves once it is saved
  // on the phone (not when the server has it: see settled()). Rejects only when the phone
  // could not save it, which the view must show.
  async add(kind: WriteKind, body: Record<string, unknown>,
            links: { patrolOf?: string; alertOf?: string } = {}): Promise<OutboxEntry> {
    await this.loaded;
    const entry: OutboxEntry = {
      clientId: newClientId(), seq: this.nextSeq++, kind, body: { ...body }, state: "waiting", createdMs: this.now(),
      owner: this.owner,
    };
    if (links.patrolOf) entry.patrolOf = links.patrolOf;
    if (links.alertOf) entry.alertOf = links.alertOf;
    await this.store.put(entry);
    this.entries.push(entry);
    this.changed();
    void this.drain();
    return entry;
  }

  // Resolves when the entry is stored or refused, however many reconnects that takes.
  settled(clientId: string): Promise<OutboxEntry> {
    const entry = this.find(clientId);
    if (entry && !isPending(entry)) return Promise.resolve(entry);
    return new Promise((resolve) => {
      const list = this.waiters.get(clientId) ?? [];
      list.push(resolve);
      this.waiters.set(clientId, list);
    });
  }

  // Takes a settled entry off the list (the volunteer has read the refusal).
  async dismiss(clientId: string): Promise<void> {
    const entry = this.find(clientId);
    if (!entry || isPending(entry)) return;
    this.entries = this.entries.filter((e) => e !== entry);
    await this.store.remove(clientId).catch(() => undefined);
    this.changed();
  }

  // Forgets every entry, sent or not: when the device is signed out or revoked, its
  // writes can no longer be sent, and must never go out under the next sign-in. The page
  // warns before a sign-out that would lose pending writes (pending()).
  async clear(): Promise<void> {
    await this.loaded;
    const all = this.entries;
    this.entries = [];
    for (const e of all) await this.store.remove(e.clientId).catch(() => undefined);
    for (const e of all) {
      if (!isPending(e)) continue;
      e.state = "refused";
      e.refusal = { code: "UNAUTHENTICATED", field: "", reason: "", params: {}, message: "signed out" };
      for (const resolve of this.waiters.get(e.clientId) ?? []) resolve(e);
    }
    this.waiters.clear();
    this.changed();
  }

  // The entry to send next: the oldest pending SOS, else the oldest pending write.
  private next(): OutboxEntry | undefined {
    const signedIn = this.conn.lastWelcome?.volunteerId ?? "";
    if (!signedIn || signedIn !== this.owner) return undefined;
    const pending = this.entries.filter((e) => isPending(e) && (!e.owner || e.owner === signedIn));
    return pending.find((e) => e.kind === "raiseSos") ?? pending[0];
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      await this.loaded;
      while (this.conn.state === "online") {
        const entry = this.next();
        if (!entry) break;
        const again = await this.sendOne(entry);
        if (!again) break;
      }
    } finally {
      this.draining = false;
    }
  }

  // The request as it goes on the wire, or a refusal when a write it needs was refused.
  private request(entry: OutboxEntry): Record<string, unknown> | Refusal {
    const body: Record<string, unknown> = { ...entry.body, clientId: entry.clientId };
    const link = (clientId: string, field: "patrolId" | "alertId", wire: string): Refusal | null => {
      const before = this.find(clientId);
      if (before?.state === "stored" && before.ackId) {
        body[field] = before.ackId;
        return null;
      }
      // An SOS does not wait for its patrol: without patrol_id it reaches the leads of all
      // the volunteer's teams.
      if (entry.kind === "raiseSos" && field === "patrolId") return null;
      return { code: "FAILED_PRECONDITION", field: wire, reason: "OUTBOX_LINK_REFUSED", params: {},
        message: "the write this one depends on was refused" };
    };
    const refusal = (entry.patrolOf ? link(entry.patrolOf, "patrolId", "patrol_id") : null)
      ?? (entry.alertOf ? link(entry.alertOf, "alertId", "alert_id") : null);
    return refusal ?? body;
  }

  // Sends one entry and waits for its answer. Returns whether to go on with the next.
  private async sendOne(entry: OutboxEntry): Promise<boolean> {
    const request = this.request(entry);
    if ("code" in request && "reason" in request) {
      await this.settle(entry, { state: "refused", refusal: request as Refusal });
      return true;
    }
    await this.update(entry, { state: "sent" });
    let reply: pb.ServerMessage;
    try {
      reply = await this.conn.request({ [entry.kind]: request } as Omit<pb.IClientMessage, "requestId">);
    } catch {
      // The connection dropped or the answer timed out: the same write goes again later,
      // with the same client_id, and the server answers a duplicate if it had it.
      await this.update(entry, { state: "waiting" });
      this.retryLater();
      return false;
    }
    if (reply.error) {
      const err = RequestError.of(reply.error);
      if (RETRYABLE.has(err.code)) {
        await this.update(entry, { state: "waiting" });
        this.retryLater();
        return false;
      }
      await this.settle(entry, { state: "refused",
        refusal: { code: err.code, field: err.field, reason: err.reason, params: err.params, message: err.message } });
      return true;
    }
    this.backoff.reset();
    const ack = reply.ack ?? {};
    const done: Partial<OutboxEntry> = { state: "stored", ackId: ack.id ?? "", duplicate: ack.duplicate ?? false };
    // A plain copy: IndexedDB keeps plain objects, not the generated class.
    if (ack.scrubReport) done.scrubReport = JSON.parse(JSON.stringify(ack.scrubReport)) as pb.IScrubReport;
    await this.settle(entry, done);
    return true;
  }

  private retryLater(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.drain(), this.backoff.next());
  }

  private async update(entry: OutboxEntry, change: Partial<OutboxEntry>): Promise<void> {
    Object.assign(entry, change);
    await this.store.put(entry).catch(() => undefined);
    this.changed();
  }

  // Stored or refused: the raw text and position leave the phone's storage either way.
  private async settle(entry: OutboxEntry, change: Partial<OutboxEntry>): Promise<void> {
    const body = { ...entry.body };
    for (const field of RAW_FIELDS) delete body[field];
    await this.update(entry, { ...change, body });
    for (const resolve of this.waiters.get(entry.clientId) ?? []) resolve(entry);
    this.waiters.delete(entry.clientId);
    await this.prune();
  }

  // Forgets settled entries older than a day, and all but the newest KEEP_SETTLED, except
  // those a pending entry still links to.
  private async prune(): Promise<void> {
    const linked = new Set<string>();
    for (const e of this.entries.filter(isPending)) {
      if (e.patrolOf) linked.add(e.patrolOf);
      if (e.alertOf) linked.add(e.alertOf);
    }
    const settled = this.entries.filter((e) => !isPending(e) && !linked.has(e.clientId));
    const cutoff = this.now() - KEEP_SETTLED_MS;
    const drop = new Set(settled.filter((e, i) => e.createdMs < cutoff || i < settled.length - KEEP_SETTLED));
    if (drop.size === 0) return;
    this.entries = this.entries.filter((e) => !drop.has(e));
    for (const e of drop) await this.store.remove(e.clientId).catch(() => undefined);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}
