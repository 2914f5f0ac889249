// The page's language, kept where the service worker can read it: a notification is drawn
// while no page is open, and the worker has no localStorage. IndexedDB database
// "gadehold-notify", store "prefs", key "lang" (apart from the device token's database, which
// the worker never opens). Used by the page (write) and the worker (read).
import { KeyValueStore } from "../idb";

export type NotifyLang = "en" | "da";

const KEY = "lang";
const store = new KeyValueStore("gadehold-notify", "prefs");

export async function saveNotifyLang(lang: NotifyLang): Promise<void> {
  await store.run("readwrite", (s) => s.put(lang, KEY));
}

// The stored language, or null when the page never stored one (or IndexedDB failed).
export async function loadNotifyLang(): Promise<NotifyLang | null> {
  try {
    const value = await store.run<unknown>("readonly", (s) => s.get(KEY));
    return value === "en" || value === "da" ? value : null;
  } catch {
    return null;
  }
}
