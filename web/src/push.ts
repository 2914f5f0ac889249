// Web Push on this device (docs/protocol.md, "Push"): the service worker /sw.js, the
// browser's subscription, and the server's copy of it (RegisterPush, UnregisterPush).
// The endpoint and keys identify this phone to its push service: never shown or logged.
import { Connection } from "./protocol/connection";
import { Lang } from "./i18n";
import { NotifyLang, saveNotifyLang } from "./sw/lang_store";

// "ios": iPhone or iPad in Safari, which delivers Web Push only to a home-screen web app.
// "nokey": the server sent no VAPID key (older than push).
export type PushState = "on" | "off" | "blocked" | "unsupported" | "ios" | "nokey";
export type PushErrorKey = "push.error.denied" | "push.error.subscribe" | "push.error.worker";

// A failure in the browser (not the server's refusal, which is a RequestError).
export class PushError extends Error {
  constructor(readonly key: PushErrorKey) {
    super(key);
  }
}

const WORKER_TIMEOUT_MS = 10_000;

function isIos(): boolean {
  // iPadOS Safari calls itself a Mac, but has touch.
  return /iPad|iPhone|iPod/.test(navigator.userAgent) || (/Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1);
}

function homeScreenApp(): boolean {
  return window.matchMedia("(display-mode: standalone)").matches
    || (navigator as Navigator & { standalone?: boolean }).standalone === true;
}

export function pushSupport(): "ok" | "unsupported" | "ios" {
  if (window.isSecureContext && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window) return "ok";
  return isIos() && !homeScreenApp() ? "ios" : "unsupported";
}

export function base64urlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function sameBytes(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (a === null) return true; // the browser does not say: assume it is the key we gave
  const x = new Uint8Array(a);
  return x.length === b.length && x.every((v, i) => v === b[i]);
}

async function registration(): Promise<ServiceWorkerRegistration | null> {
  return (await navigator.serviceWorker.getRegistration("/")) ?? null;
}

async function subscription(): Promise<PushSubscription | null> {
  const reg = await registration();
  return reg ? reg.pushManager.getSubscription() : null;
}

// The worker must be active before the push manager subscribes.
function activeWorker(): Promise<ServiceWorkerRegistration> {
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(() => reject(new PushError("push.error.worker")), WORKER_TIMEOUT_MS);
    void navigator.serviceWorker.ready.then((reg) => {
      window.clearTimeout(timer);
      resolve(reg);
    });
  });
}

export async function pushState(vapidKey: string): Promise<PushState> {
  const support = pushSupport();
  if (support !== "ok") return support;
  if (!vapidKey) return "nokey";
  if (Notification.permission === "denied") return "blocked";
  return Notification.permission === "granted" && (await subscription()) ? "on" : "off";
}

async function sendSubscription(conn: Connection, sub: PushSubscription): Promise<void> {
  const { endpoint, keys } = sub.toJSON();
  if (!endpoint || !keys?.p256dh || !keys?.auth) throw new PushError("push.error.subscribe");
  await conn.call({ registerPush: { endpoint, p256dh: keys.p256dh, auth: keys.auth } }, "ack");
}

export function rememberLang(lang: Lang): void {
  if (pushSupport() !== "ok") return;
  void saveNotifyLang(lang as NotifyLang).catch(() => undefined);
}

// Asks for permission, registers the worker, subscribes with the server's key and sends the
// subscription. A subscription the server refused is undone, so "on" always means both.
export async function turnPushOn(conn: Connection, vapidKey: string, lang: Lang): Promise<void> {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") throw new PushError("push.error.denied");
  try {
    // Playwright's "block" answers undefined instead of a registration.
    const registered = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    if (!registered) throw new PushError("push.error.worker");
  } catch {
    throw new PushError("push.error.worker");
  }
  const reg = await activeWorker();
  await saveNotifyLang(lang as NotifyLang).catch(() => undefined);
  const key = base64urlToBytes(vapidKey);
  let sub = await reg.pushManager.getSubscription();
  if (sub && !sameBytes(sub.options.applicationServerKey, key)) {
    await sub.unsubscribe().catch(() => false);
    sub = null;
  }
  if (!sub) {
    try {
      sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    } catch {
      throw new PushError("push.error.subscribe");
    }
  }
  try {
    await sendSubscription(conn, sub);
  } catch (err) {
    await sub.unsubscribe().catch(() => false);
    throw err;
  }
}

// Ends the browser's subscription first (then nothing can show, whatever the server does),
// then asks the server to forget it.
export async function turnPushOff(conn: Connection): Promise<void> {
  const sub = await subscription();
  if (sub) await sub.unsubscribe().catch(() => false);
  await conn.call({ unregisterPush: {} }, "ack");
}

// At each Welcome: a subscription this browser holds is sent again (the server answers
// duplicate when it has it), and made anew if the server's key changed. Quiet: the
// devices view shows what state it is in.
export async function resyncPush(conn: Connection, vapidKey: string): Promise<void> {
  if (pushSupport() !== "ok" || !vapidKey || Notification.permission !== "granted") return;
  const reg = await registration();
  let sub = reg ? await reg.pushManager.getSubscription() : null;
  if (!reg || !sub) return;
  const key = base64urlToBytes(vapidKey);
  if (!sameBytes(sub.options.applicationServerKey, key)) {
    await sub.unsubscribe().catch(() => false);
    sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  }
  await sendSubscription(conn, sub);
}

// Signing out: this browser's subscription goes too (the server drops its copy with the
// device).
export async function forgetPush(): Promise<void> {
  if (pushSupport() !== "ok") return;
  const sub = await subscription();
  if (sub) await sub.unsubscribe();
}
