// The origin's service worker (/sw.js, scope /): keeps the app shell for a reload with no
// network (shell.ts), shows a notification for each Web Push and brings the app forward
// when one is tapped. Nothing here logs: a push names alerts and areas, and the
// subscription is secret.
import { loadNotifyLang, NotifyLang } from "./lang_store";
import { pushNotification } from "./notification";
import { dropOldCaches, networkFirst, precache, Shell, shellKey } from "./shell";

// Set by build.mjs (esbuild's define): the bundle's hash and the shell's paths. A new build
// is a new sw.js, which the browser sees at its next update check.
declare const __GADEHOLD_SHELL_VERSION__: string;
declare const __GADEHOLD_SHELL_FILES__: string[];

const sw = self as unknown as ServiceWorkerGlobalScope;
const shell: Shell = { version: __GADEHOLD_SHELL_VERSION__, files: __GADEHOLD_SHELL_FILES__ };

// The language the page stored; before it stored one, the phone's own.
async function notifyLang(): Promise<NotifyLang> {
  const stored = await loadNotifyLang();
  if (stored) return stored;
  return (sw.navigator.language || "").toLowerCase().startsWith("da") ? "da" : "en";
}

async function showPush(data: PushMessageData | null): Promise<void> {
  let payload: string | null = null;
  try {
    payload = data ? data.text() : null;
  } catch {
    payload = null;
  }
  const { title, options } = pushNotification(payload, await notifyLang());
  // vibrate and renotify are in the Notifications standard but not in TypeScript's DOM types.
  await sw.registration.showNotification(title, options as NotificationOptions);
}

async function openDashboard(url: string, alertId: string): Promise<void> {
  const windows = await sw.clients.matchAll({ type: "window", includeUncontrolled: true });
  const dashboard = windows.find((c) => {
    const u = new URL(c.url);
    return u.origin === sw.location.origin && (u.pathname === "/" || u.pathname === "/index.html");
  });
  if (dashboard) {
    const focused = await dashboard.focus();
    // The page opens the view itself (main.ts and app_shell.ts listen): no reload needed.
    if (alertId) focused.postMessage({ type: "open-alert", alertId });
    else if (url.startsWith("/#")) focused.postMessage({ type: "open-hash", hash: url.slice(1) });
    return;
  }
  await sw.clients.openWindow(url);
}

sw.addEventListener("install", (event) => {
  // A new build takes over at once: its shell is cached before it counts as installed.
  void sw.skipWaiting();
  event.waitUntil(precache(shell));
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(dropOldCaches(shell).catch(() => undefined).then(() => sw.clients.claim()));
});

sw.addEventListener("fetch", (event) => {
  const key = shellKey(shell, event.request, sw.location.origin);
  if (key === null) return;
  event.respondWith(networkFirst(shell, event.request, key));
});

sw.addEventListener("push", (event) => {
  // userVisibleOnly: every push shows a notification, even one this version cannot read.
  event.waitUntil(showPush(event.data));
});

sw.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = (event.notification.data ?? {}) as { url?: unknown; alertId?: unknown };
  const url = typeof data.url === "string" && /^\/(?!\/)/.test(data.url) ? data.url : "/";
  const alertId = typeof data.alertId === "string" ? data.alertId : "";
  event.waitUntil(openDashboard(url, alertId));
});
