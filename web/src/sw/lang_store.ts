// The page's language, kept where the service worker can read it: a notification is drawn
// while no page is open, and the worker has no localStorage. IndexedDB database
// "gadehold-notify", store "prefs", key "lang" (apart from the device token's database, which
// the worker never opens). Used by the page (write) and the worker (read).
export type NotifyLang = "en" | "da";

const DB = "gadehold-notify";
const STORE = "prefs";
const KEY = "lang";

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

export async function saveNotifyLang(lang: NotifyLang): Promise<void> {
  const db = await open();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, "readwrite");
      tx.objectStore(STORE).put(lang, KEY);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error("indexedDB"));
      tx.onabort = () => reject(tx.error ?? new Error("indexedDB"));
    });
  } finally {
    db.close();
  }
}

// The stored language, or null when the page never stored one (or IndexedDB failed).
export async function loadNotifyLang(): Promise<NotifyLang | null> {
  try {
    const db = await open();
    try {
      const value = await new Promise<unknown>((resolve, reject) => {
        const req = db.transaction(STORE, "readonly").objectStore(STORE).get(KEY);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error ?? new Error("indexedDB"));
      });
      return value === "en" || value === "da" ? value : null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}
