// The device token lives in IndexedDB (database "gadehold", store "device", key "token"),
// never in localStorage, cookies or the URL, and is never logged.
const DB = "gadehold";
const STORE = "device";
const KEY = "token";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("indexedDB"));
  });
}

async function withStore<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error("indexedDB"));
      tx.onabort = () => reject(tx.error ?? new Error("indexedDB"));
    });
  } finally {
    db.close();
  }
}

export async function loadToken(): Promise<string | null> {
  try {
    const value = await withStore<unknown>("readonly", (s) => s.get(KEY));
    return typeof value === "string" && value.length > 0 ? value : null;
  } catch {
    return null;
  }
}

export function saveToken(token: string): Promise<IDBValidKey> {
  return withStore("readwrite", (s) => s.put(token, KEY));
}

export function forgetToken(): Promise<undefined> {
  return withStore("readwrite", (s) => s.delete(KEY));
}
