// The app shell in the Cache API: the page, its script and style, the manifest and the
// icons, so that a reload with no network opens the app. Nothing else is ever cached: no
// /v1/ path (the socket, the calendar feeds with their secret in the path), no response
// but the shell's own files. Plain functions over fetch and caches; sw.ts wires them to
// the worker's events.

export interface Shell {
  // The bundle's hash (build.mjs): each build has a cache of its own.
  version: string;
  // The paths to keep, "/" first ("/index.html" is the same page and kept as "/").
  files: readonly string[];
}

const PREFIX = "gadehold-shell-";
// Longer than this on a bad connection, and the cached copy answers (the fetch goes on).
const NETWORK_TIMEOUT_MS = 4000;

export function cacheName(shell: Shell): string {
  return PREFIX + shell.version;
}

// The cache key of a request the worker answers, or null for every other request, which
// then goes to the network as if there were no worker.
export function shellKey(shell: Shell, request: Request, origin: string): string | null {
  if (request.method !== "GET") return null;
  const url = new URL(request.url);
  if (url.origin !== origin) return null;
  const path = url.pathname === "/index.html" ? "/" : url.pathname;
  return shell.files.includes(path) ? path : null;
}

// Without these the worker installs not at all (and is tried again at the next load).
const REQUIRED = new Set(["/", "/app.js", "/app.css"]);

// At install: every file fresh from the server (not from the HTTP cache). The manifest and
// icons are kept when they come: a proxy still set up for an older version may not pass
// them on, and that must not cost the phone its notifications.
export async function precache(shell: Shell): Promise<void> {
  const cache = await caches.open(cacheName(shell));
  await Promise.all(shell.files.map(async (path) => {
    try {
      await cache.add(new Request(path, { cache: "reload" }));
    } catch (err) {
      if (REQUIRED.has(path)) throw err;
    }
  }));
}

// At activation: the caches of earlier builds.
export async function dropOldCaches(shell: Shell): Promise<void> {
  const keep = cacheName(shell);
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== keep).map((n) => caches.delete(n)));
}

async function cached(shell: Shell, key: string): Promise<Response | undefined> {
  const cache = await caches.open(cacheName(shell));
  return cache.match(key);
}

// Network first, so that a new deploy shows at once when online; the cached copy when the
// network fails, is too slow, or a proxy answers for a server that is down (502, 503, 504).
// The cache is written only at install: it always holds one build's files, never a mix.
export async function networkFirst(shell: Shell, request: Request, key: string): Promise<Response> {
  const network = fetch(request);
  let timer = 0;
  const slow = new Promise<"slow">((resolve) => {
    timer = setTimeout(resolve, NETWORK_TIMEOUT_MS, "slow");
  });
  try {
    const first = await Promise.race([network, slow]);
    if (first !== "slow" && first.status < 500) return first;
    const copy = await cached(shell, key);
    if (copy) return copy;
    return await network;
  } catch (err) {
    const copy = await cached(shell, key);
    if (copy) return copy;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
