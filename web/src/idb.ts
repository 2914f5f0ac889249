// One value store in IndexedDB: a database with one object store, opened for each call and
// closed after it. Used by the page (the device token) and the service worker (the
// language of notifications), which has no localStorage.
export class KeyValueStore {
  constructor(private readonly db: string, private readonly store: string) {}

  private open(): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(this.db, 1);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(this.store)) req.result.createObjectStore(this.store);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error("indexedDB"));
    });
  }

  // Runs `fn` in one transaction and resolves with its request's result once it committed.
  async run<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.open();
    try {
      return await new Promise<T>((resolve, reject) => {
        const tx = db.transaction(this.store, mode);
        const req = fn(tx.objectStore(this.store));
        tx.oncomplete = () => resolve(req.result);
        tx.onerror = () => reject(tx.error ?? new Error("indexedDB"));
        tx.onabort = () => reject(tx.error ?? new Error("indexedDB"));
      });
    } finally {
      db.close();
    }
  }
}
