// The outbox's entries in IndexedDB (database "gadehold-outbox", store "entries", keyed by
// client_id): they outlive a closed tab and a rebooted phone. Note text waits here until
// the server has it, and is deleted a day after (outbox.ts prunes settled entries).
import { KeyValueStore } from "../idb";
import { OutboxEntry, OutboxStore } from "./outbox";

export class IndexedDbOutboxStore implements OutboxStore {
  private readonly kv = new KeyValueStore("gadehold-outbox", "entries");

  async load(): Promise<OutboxEntry[]> {
    const all = await this.kv.run<unknown[]>("readonly", (s) => s.getAll());
    return all.filter((e): e is OutboxEntry => typeof e === "object" && e !== null && typeof (e as OutboxEntry).clientId === "string");
  }

  async put(entry: OutboxEntry): Promise<void> {
    await this.kv.run("readwrite", (s) => s.put(entry, entry.clientId));
  }

  async remove(clientId: string): Promise<void> {
    await this.kv.run("readwrite", (s) => s.delete(clientId));
  }
}
