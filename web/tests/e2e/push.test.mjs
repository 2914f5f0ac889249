// Notifications on a locked phone (issue 27), from the dashboard's side: a lead turns them
// on in the devices view, the page registers /sw.js, subscribes with the server's VAPID key
// and sends RegisterPush; pushes delivered to the real service worker (Chromium's DevTools
// protocol, ServiceWorker.deliverPushMessage) show the notifications the payload asks for;
// turning them off unsubscribes and sends UnregisterPush.
//
// Debian's Chromium has no vendor push service, so PushManager.subscribe/getSubscription
// are replaced in the page by ones that hand back a subscription made here (a real P-256
// key and a 16-byte auth, an endpoint under push.example.net that nothing ever contacts:
// the server stores it without sending, as it has no push-contact set).
import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { test } from "node:test";
import { Client, openView, screenshot, setup, signIn, sleep, storedToken, tid, visible, withPage } from "./harness.mjs";

const ctx = setup();

function p256dh() {
  const jwk = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ format: "jwk" });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")])
    .toString("base64url");
}

// Runs in the page before its own scripts: the browser's push service, as far as the page sees it.
function pushStub(made) {
  if (typeof PushManager === "undefined") return;
  const SUBSCRIBED = "__e2ePushKey"; // the applicationServerKey of the live subscription
  window.__e2ePushCalls = [];
  const toB64url = (bytes) =>
    btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const fromB64url = (text) => {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0)).buffer;
  };
  const subscription = (key) => ({
    endpoint: made.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: fromB64url(key) },
    getKey: (name) => (name === "p256dh" ? fromB64url(made.p256dh) : name === "auth" ? fromB64url(made.auth) : null),
    toJSON: () => ({ endpoint: made.endpoint, expirationTime: null, keys: { p256dh: made.p256dh, auth: made.auth } }),
    unsubscribe: async () => {
      window.__e2ePushCalls.push({ op: "unsubscribe" });
      localStorage.removeItem(SUBSCRIBED);
      return true;
    },
  });
  PushManager.prototype.subscribe = async function (options = {}) {
    const k = options.applicationServerKey;
    const key = typeof k === "string" ? k
      : toB64url(ArrayBuffer.isView(k) ? k.buffer.slice(k.byteOffset, k.byteOffset + k.byteLength) : k);
    window.__e2ePushCalls.push({ op: "subscribe", userVisibleOnly: options.userVisibleOnly, key,
      keyType: typeof k === "string" ? "string" : Object.prototype.toString.call(k) });
    localStorage.setItem(SUBSCRIBED, key);
    return subscription(key);
  };
  PushManager.prototype.getSubscription = async function () {
    const key = localStorage.getItem(SUBSCRIBED);
    return key ? subscription(key) : null;
  };
}

// The registration of the origin's worker, through the DevTools protocol.
async function workerRegistration(cdp, origin) {
  const registrations = new Map();
  cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations: list }) => {
    for (const r of list) registrations.set(r.registrationId, r);
  });
  const versions = new Map();
  cdp.on("ServiceWorker.workerVersionUpdated", ({ versions: list }) => {
    for (const v of list) versions.set(v.registrationId, v);
  });
  await cdp.send("ServiceWorker.enable");
  const deadline = Date.now() + 5000;
  for (;;) {
    const reg = [...registrations.values()].find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
    if (reg && versions.get(reg.registrationId)?.status === "activated") return reg.registrationId;
    if (Date.now() > deadline) {
      throw new Error(`no activated worker for ${origin}/: ${JSON.stringify([...registrations.values()])} ` +
        `${JSON.stringify([...versions.values()].map((v) => [v.registrationId, v.status, v.runningStatus]))}`);
    }
    await sleep(50);
  }
}

// The notifications the worker is showing, as the page's registration reports them.
function shown(page) {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return (await reg.getNotifications()).map((n) => ({
      title: n.title, body: n.body, tag: n.tag, requireInteraction: n.requireInteraction, silent: n.silent,
      renotify: n.renotify, vibrate: [...(n.vibrate ?? [])], data: n.data,
    }));
  });
}

async function waitShown(page, pred, what) {
  const deadline = Date.now() + 5000;
  let last = [];
  while (Date.now() < deadline) {
    last = await shown(page);
    if (pred(last)) return last;
    await sleep(100);
  }
  throw new Error(`${what}: the notifications shown are ${JSON.stringify(last)}`);
}

async function devices(probe) {
  return (await probe.request("listDevices", {}, "deviceList")).devices;
}

test("a lead turns notifications on, pushes show on this device, and off again", async () => {
  const { server, world } = ctx;
  const made = { endpoint: `https://push.example.net/wpush/test-${randomUUID()}`, p256dh: p256dh(),
    auth: randomBytes(16).toString("base64url") };
  const stub = `(${pushStub.toString()})(${JSON.stringify(made)});`;
  await withPage(ctx.browser, server, "push", async (s) => {
    const page = s.page;
    await s.context.grantPermissions(["notifications"], { origin: server.origin });
    await signIn(page, server, { code: await world.invite("lead"), handle: "lead-push", device: "lead phone" });
    await openView(page, "nav-devices", "view-devices");
    await visible(tid(page, "push-panel"), "push-panel");
    const state = tid(page, "push-state");
    await page.waitForFunction(() => document.querySelector('[data-testid="push-state"]')?.dataset.state === "off");
    assert.equal(await tid(page, "push-toggle").textContent(), "Turn notifications on");

    // The server's copy, seen by this very device over the protocol.
    const token = await storedToken(page);
    assert.equal(typeof token.value, "string", "no device token stored");
    const probe = await Client.hello(server, token.value);
    world.clients.push(probe);
    const vapidKey = probe.welcome.vapidPublicKey;
    assert.equal(Buffer.from(vapidKey, "base64url").length, 65, "Welcome.vapid_public_key is a P-256 point");
    assert.equal((await devices(probe)).find((d) => d.current)?.hasPush, false, "has_push before turning on");

    await tid(page, "push-toggle").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="push-state"]')?.dataset.state === "on",
      null, { timeout: 10000 }).catch(async (e) => {
      throw new Error(`push-state stayed ${await state.getAttribute("data-state")}: ` +
        `${await tid(page, "push-error").textContent()} (${e.message.split("\n")[0]})`);
    });
    assert.equal(await tid(page, "push-error").textContent(), "");
    assert.equal(await tid(page, "push-toggle").textContent(), "Turn notifications off");
    await screenshot(page, "push-on");
    const calls = await page.evaluate(() => window.__e2ePushCalls);
    const subscribes = calls.filter((c) => c.op === "subscribe");
    assert.equal(subscribes.length, 1, JSON.stringify(calls));
    assert.equal(subscribes[0].userVisibleOnly, true);
    assert.equal(subscribes[0].key, vapidKey, "applicationServerKey is the Welcome's key");
    assert.equal(subscribes[0].keyType, "[object Uint8Array]", "the key goes as bytes (every browser takes them)");
    const me = (await devices(probe)).find((d) => d.current);
    assert.equal(me?.hasPush, true, "the server has this device's subscription");
    const worker = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
    assert.equal(worker, `${server.origin}/sw.js`);

    // Pushes, delivered to the real worker.
    const cdp = await s.context.newCDPSession(page);
    const registrationId = await workerRegistration(cdp, server.origin);
    // Headless Chromium 156 sometimes never lists a notification that getNotifications()
    // was polled for while it was being shown: 3 of 40 pushes here, although the worker's
    // showNotification() resolved (seemingly the read drops entries not yet displayed); 0
    // of 50 when the page read only after that promise resolved. So each push is read back
    // only after the worker's showNotification() has resolved, counted by a wrapper put
    // into the worker here, which calls the real method and changes nothing else.
    const counted = () => s.context.serviceWorkers().find((w) => w.url() === `${server.origin}/sw.js`);
    const deliver = async (data) => {
      const worker = counted();
      const count = () => worker.evaluate(() => self.__e2eShown);
      const before = worker ? await worker.evaluate(() => {
        if (self.__e2eShown === undefined) {
          self.__e2eShown = 0;
          const show = ServiceWorkerRegistration.prototype.showNotification;
          ServiceWorkerRegistration.prototype.showNotification = function (...args) {
            return show.apply(this, args).then((r) => {
              self.__e2eShown += 1;
              return r;
            });
          };
        }
        return self.__e2eShown;
      }) : 0;
      await cdp.send("ServiceWorker.deliverPushMessage",
        { origin: server.origin, registrationId, data: typeof data === "string" ? data : JSON.stringify(data) });
      // A worker restarted for this push has no wrapper (undefined): then just poll.
      for (let i = 0; worker && i < 250 && (await count()) <= before; i++) await sleep(20);
    };
    const alertId = "alrt_01JE2PUSHTESTSOSAAAAAAAAAA";
    const raisedAt = Date.now() - 60_000;
    const base = { v: 1, alert_kind: "sos", alert_id: alertId, patrol_id: "ptrl_01JE2PUSHTESTPATROLAAAAAAA",
      area_id: world.areaId, area: "Nørrebro", seq: 4711 };
    await deliver({ ...base, kind: "alert_raised", at_ms: raisedAt });
    let list = await waitShown(page, (l) => l.some((n) => n.tag === alertId), "the SOS push");
    assert.equal(list.length, 1, JSON.stringify(list));
    const sos = list[0];
    assert.match(sos.title, /SOS/);
    assert.match(sos.title, /Nørrebro/);
    assert.equal(sos.requireInteraction, true);
    assert.equal(sos.silent, false);
    assert.ok(sos.vibrate.length > 0, "an SOS vibrates");
    const hhmm = await page.evaluate((ms) => new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }),
      raisedAt);
    assert.equal(sos.body, `Raised at ${hhmm}. Open gadehold to answer.`);
    assert.equal(sos.data.url, `/#alert=${alertId}`);

    // The acknowledgement replaces it, quietly.
    await deliver({ ...base, kind: "alert_acknowledged", at_ms: Date.now(), seq: 4712 });
    list = await waitShown(page, (l) => l.some((n) => n.tag === alertId && /Acknowledged/.test(n.title)),
      "the acknowledgement push");
    const tagged = list.filter((n) => n.tag === alertId);
    assert.equal(tagged.length, 1, `one notification for the alert: ${JSON.stringify(list)}`);
    assert.match(tagged[0].title, /^Acknowledged: SOS — Nørrebro$/);
    assert.match(tagged[0].body, /^Acknowledged at /);
    assert.equal(tagged[0].requireInteraction, false);
    assert.equal(tagged[0].silent, true);
    assert.equal(tagged[0].renotify, false);
    assert.deepEqual(tagged[0].vibrate, []);

    // The page's language reaches the worker: Danish after switching.
    const storedLang = (want) => page.waitForFunction((lang) => new Promise((resolve) => {
      const open = indexedDB.open("gadehold-notify", 1);
      open.onsuccess = () => {
        const db = open.result;
        const get = db.transaction("prefs", "readonly").objectStore("prefs").get("lang");
        get.onsuccess = () => { db.close(); resolve(get.result === lang); };
        get.onerror = () => { db.close(); resolve(false); };
      };
      open.onerror = () => resolve(false);
    }), want);
    await tid(page, "lang").selectOption("da");
    await page.waitForFunction(() => document.documentElement.lang === "da");
    await storedLang("da"); // the worker reads it from IndexedDB, which the page writes without waiting
    await deliver({ ...base, kind: "alert_resolved", at_ms: Date.now(), seq: 4713 });
    list = await waitShown(page, (l) => l.some((n) => n.tag === alertId && /Løst/.test(n.title)), "the resolved push");
    assert.equal(list.filter((n) => n.tag === alertId).length, 1);
    assert.equal(list.find((n) => n.tag === alertId).title, "Løst: SOS — Nørrebro");

    // A push this version cannot read still shows something (userVisibleOnly): a plain
    // notification, the same one for each (tag "gadehold"), touching no alert's.
    await deliver({ ...base, v: 2, kind: "alert_raised", at_ms: Date.now() });
    list = await waitShown(page, (l) => l.some((n) => n.tag === "gadehold"), "a push of version 2");
    assert.deepEqual(list.filter((n) => n.tag === "gadehold").map((n) => [n.title, n.body]),
      [["gadehold", "Der er nyt: åbn gadehold."]]);
    assert.equal(list.find((n) => n.tag === alertId).title, "Løst: SOS — Nørrebro");
    await tid(page, "lang").selectOption("en");
    await storedLang("en");
    await deliver("not json");
    list = await waitShown(page, (l) => l.some((n) => n.tag === "gadehold" && /Something new/.test(n.body)),
      "the unreadable push");
    assert.equal(list.filter((n) => n.tag === "gadehold").length, 1, JSON.stringify(list));

    // What a patrol member's phone gets (the worker is the same for every role): a check-in
    // due and a message to the patrol, which open the patrol view when tapped.
    const patrolId = "ptrl_01JE2PUSHTESTPATROLAAAAAAA";
    const dueAt = Date.now() + 5 * 60_000;
    await deliver({ v: 1, kind: "check_in_due", patrol_id: patrolId, area_id: world.areaId, area: "Nørrebro",
      at_ms: dueAt, seq: 4714 });
    list = await waitShown(page, (l) => l.some((n) => n.tag === `due:${patrolId}`), "the check-in due push");
    const due = list.find((n) => n.tag === `due:${patrolId}`);
    const dueHhmm = await page.evaluate((ms) => new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }),
      dueAt);
    assert.deepEqual([due.title, due.body, due.data.url], ["Check-in due — Nørrebro", `Due at ${dueHhmm}.`, "/#patrol"]);
    const messageId = "pmsg_01JE2PUSHTESTMESSAGEAAAAAA";
    await tid(page, "lang").selectOption("da");
    await storedLang("da");
    await deliver({ v: 1, kind: "patrol_message", message_id: messageId, patrol_id: patrolId, at_ms: Date.now(),
      seq: 4715 });
    list = await waitShown(page, (l) => l.some((n) => n.tag === `message:${messageId}`), "the patrol message push");
    const message = list.find((n) => n.tag === `message:${messageId}`);
    assert.equal(message.title, "Besked til din patrulje");
    assert.match(message.body, /^Sendt kl\. \d\d[.:]\d\d\. Åbn gadehold for at læse den\.$/);
    assert.equal(message.data.url, "/#patrol");
    await tid(page, "lang").selectOption("en");
    await storedLang("en");
    await cdp.detach();

    // Off: the browser's subscription ends and the server forgets its copy.
    await page.waitForFunction(() => document.querySelector('[data-testid="push-state"]')?.dataset.state === "on");
    await tid(page, "push-toggle").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="push-state"]')?.dataset.state === "off",
      null, { timeout: 10000 });
    assert.equal(await tid(page, "push-error").textContent(), "");
    assert.ok((await page.evaluate(() => window.__e2ePushCalls)).some((c) => c.op === "unsubscribe"));
    assert.equal((await devices(probe)).find((d) => d.current)?.hasPush, false, "has_push after turning off");

    // A tapped notification opens /#alert=<id>: the alerts view, in an open page and on a
    // fresh load; moving on to another view drops the hash.
    await page.goto(`${server.origin}/#alert=${alertId}`);
    await visible(tid(page, "view-alerts"), "view-alerts after the hash changed to #alert=");
    await openView(page, "nav-board", "view-board");
    assert.equal(new URL(page.url()).hash, "");
    await page.goto(`${server.origin}/#alert=${alertId}`);
    await page.reload();
    await visible(tid(page, "view-alerts"), "view-alerts on a load of /#alert=", 10000);
    probe.close();
  }, { serviceWorkers: "allow", initScripts: [stub] });
});

test("volunteers have the notifications control too; a browser that blocks them, or iOS Safari, says so", async () => {
  const { server, world } = ctx;
  await withPage(ctx.browser, server, "push-volunteer", async (s) => {
    const page = s.page;
    await signIn(page, server, { code: await world.invite("volunteer"), handle: "vol-push" });
    await openView(page, "nav-devices", "view-devices");
    await visible(tid(page, "push-panel"), "push-panel for a volunteer");
    await page.waitForFunction(() => document.querySelector('[data-testid="push-state"]')?.dataset.state === "off");
    assert.equal(await tid(page, "push-toggle").textContent(), "Turn notifications on");
  }, { serviceWorkers: "allow" });
  await withPage(ctx.browser, server, "push-blocked", async (s) => {
    const page = s.page;
    await signIn(page, server, { code: await world.invite("lead"), handle: "lead-blocked" });
    await page.evaluate(() => Object.defineProperty(Notification, "permission", { get: () => "denied" }));
    await openView(page, "nav-devices", "view-devices");
    await page.waitForFunction(() => document.querySelector('[data-testid="push-state"]')?.dataset.state === "blocked");
    assert.match(await tid(page, "push-state").textContent(), /Blocked by the browser/);
    assert.equal(await tid(page, "push-toggle").isVisible(), false);
  }, { serviceWorkers: "allow" });
  // Safari on an iPhone, outside a home-screen web app, has no PushManager.
  const iphone = `Object.defineProperty(Navigator.prototype, "userAgent", { get: () =>
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1" });
    delete window.PushManager;`;
  await withPage(ctx.browser, server, "push-ios", async (s) => {
    const page = s.page;
    await signIn(page, server, { code: await world.invite("lead"), handle: "lead-iphone" });
    await openView(page, "nav-devices", "view-devices");
    await page.waitForFunction(() => document.querySelector('[data-testid="push-state"]')?.dataset.state === "ios");
    assert.match(await tid(page, "push-state").textContent(), /add gadehold to your home screen/);
    assert.equal(await tid(page, "push-toggle").isVisible(), false);
  }, { initScripts: [iphone] });
});
