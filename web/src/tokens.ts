// The device token lives in IndexedDB (database "gadehold", store "device", key "token"),
// never in localStorage, cookies or the URL, and is never logged.
import { KeyValueStore } from "./idb";

const KEY = "token";
const store = new KeyValueStore("gadehold", "device");

export async function loadToken(): Promise<string | null> {
  try {
    const value = await store.run<unknown>("readonly", (s) => s.get(KEY));
    return typeof value === "string" && value.length > 0 ? value : null;
  } catch {
    return null;
  }
}

export function saveToken(token: string): Promise<IDBValidKey> {
  return store.run("readwrite", (s) => s.put(token, KEY));
}

export function forgetToken(): Promise<undefined> {
  return store.run("readwrite", (s) => s.delete(KEY));
}
