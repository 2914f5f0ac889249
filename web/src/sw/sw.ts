// The origin's service worker (/sw.js, scope /): shows a notification for each Web Push
// and brings the dashboard forward when one is tapped. It keeps no cache and handles no
// fetch. Nothing here logs: a push names alerts and areas, and the subscription is secret.
import { loadNotifyLang, NotifyLang } from "./lang_store";
import { pushNotification } from "./notification";

const sw = self as unknown as ServiceWorkerGlobalScope;

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
    // The page opens its alerts (main.ts listens); it needs no reload for that.
    if (alertId) focused.postMessage({ type: "open-alert", alertId });
    return;
  }
  await sw.clients.openWindow(url);
}

sw.addEventListener("install", () => {
  void sw.skipWaiting();
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(sw.clients.claim());
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
