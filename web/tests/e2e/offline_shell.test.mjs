// The installable app (issue 28): the web app manifest and its icons as a browser reads
// them, and the service worker's app shell. The page registers /sw.js by itself; the worker
// keeps the shell (the page, script, style, manifest, icons) in a cache named by the
// bundle's hash, and nothing else: no /v1/ path ever. With the server process stopped for
// real (context.setOffline stops neither a service worker's fetches nor an open socket in
// Chromium), a reload opens the app from that cache.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { config, httpGet, OFFLINE_CONSOLE, PHONE, setup, tid, visible, withPage } from "./harness.mjs";

const ctx = setup();

// What the worker must keep, and nothing more ("/index.html" is kept as "/").
const SHELL = ["/", "/app.js", "/app.css", "/manifest.webmanifest", "/icon-192.png", "/icon-512.png",
  "/icon-maskable-192.png", "/icon-maskable-512.png", "/apple-touch-icon.png", "/favicon.ico"];
// Width, height and colour type from a PNG's IHDR chunk.
function pngHeader(bytes, what) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(bytes.subarray(0, 8).equals(signature), `${what} is not a PNG`);
  assert.equal(bytes.toString("latin1", 12, 16), "IHDR", `${what}: the first chunk is not IHDR`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colourType: bytes[25] };
}

test("the manifest makes an installable app: its fields, and each icon a PNG of the declared size", async () => {
  const { server } = ctx;
  const res = await httpGet(`${server.origin}/manifest.webmanifest`);
  assert.equal(res.status, 200);
  assert.equal(res.headers["content-type"], "application/manifest+json");
  const m = JSON.parse(res.body.toString("utf8"));
  assert.equal(m.id, "/");
  assert.equal(m.name, "gadehold");
  assert.equal(m.short_name, "gadehold");
  assert.ok(typeof m.description === "string" && m.description.length > 10, "a description");
  assert.equal(m.lang, "en");
  assert.equal(m.start_url, "/");
  assert.equal(m.scope, "/");
  assert.equal(m.display, "standalone");
  assert.match(m.theme_color, /^#[0-9a-f]{6}$/i);
  assert.match(m.background_color, /^#[0-9a-f]{6}$/i);

  const icons = m.icons ?? [];
  for (const [size, purpose] of [[192, "any"], [512, "any"], [192, "maskable"], [512, "maskable"]]) {
    assert.ok(icons.some((i) => i.sizes === `${size}x${size}` && i.purpose === purpose),
      `no ${size} px icon for purpose ${purpose}: ${JSON.stringify(icons)}`);
  }
  for (const icon of icons) {
    assert.match(icon.src, /^\/[a-z0-9-]+\.png$/, "an icon of this origin");
    assert.equal(icon.type, "image/png");
    const r = await httpGet(`${server.origin}${icon.src}`);
    assert.equal(r.status, 200, `GET ${icon.src}`);
    assert.equal(r.headers["content-type"], "image/png", `GET ${icon.src}`);
    const { width, height, colourType } = pngHeader(r.body, icon.src);
    assert.equal(`${width}x${height}`, icon.sizes, `${icon.src}: the PNG's size`);
    // A maskable icon is cut to any shape: it must fill the square.
    if (icon.purpose === "maskable") assert.equal(colourType, 2, `${icon.src}: opaque RGB`);
  }

  // iOS's home-screen icon: 180 px, opaque (iOS shows transparency as black).
  const apple = await httpGet(`${server.origin}/apple-touch-icon.png`);
  assert.equal(apple.headers["content-type"], "image/png");
  assert.deepEqual(pngHeader(apple.body, "apple-touch-icon.png"), { width: 180, height: 180, colourType: 2 });

  // The favicon: an ICO of PNGs, 16 and 32 px among them.
  const fav = await httpGet(`${server.origin}/favicon.ico`);
  assert.equal(fav.status, 200);
  assert.equal(fav.headers["content-type"], "image/x-icon");
  const ico = fav.body;
  assert.deepEqual([ico.readUInt16LE(0), ico.readUInt16LE(2)], [0, 1], "an ICO header");
  const sizes = [];
  for (let i = 0; i < ico.readUInt16LE(4); i++) {
    const e = 6 + 16 * i;
    const image = ico.subarray(ico.readUInt32LE(e + 12), ico.readUInt32LE(e + 12) + ico.readUInt32LE(e + 8));
    const { width, height } = pngHeader(image, `favicon.ico image ${i}`);
    assert.deepEqual([width, height], [ico[e] || 256, ico[e + 1] || 256], `favicon.ico image ${i}: its entry's size`);
    sizes.push(width);
  }
  assert.ok(sizes.includes(16) && sizes.includes(32), `favicon.ico sizes ${sizes}`);

  // Chromium's own reading of the page's manifest: no errors, the icons found.
  await withPage(ctx.browser, server, "offline-manifest", async (s) => {
    const page = s.page;
    await page.goto(`${server.origin}/`);
    await visible(tid(page, "view-signin"), "view-signin");
    const cdp = await s.context.newCDPSession(page);
    const got = await cdp.send("Page.getAppManifest");
    assert.equal(got.url, `${server.origin}/manifest.webmanifest`);
    assert.deepEqual(got.errors, [], "Chromium's manifest parser found errors");
    assert.equal(JSON.parse(got.data).display, "standalone");
    await cdp.detach();
  });
});

test("the worker keeps the shell and nothing else; with the server stopped, a reload opens the app", async () => {
  const { server, world } = ctx;
  const code = await world.invite("volunteer");
  try {
    await withPage(ctx.browser, server, "offline-shell", async (s) => {
      const page = s.page;
      await page.goto(`${server.origin}/`);
      await visible(tid(page, "view-signin"), "view-signin");
      // The page registers the worker itself (no push needed); it controls the page once active.
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 })
        .catch((e) => { throw new Error(`no service worker controls the page (${e.message.split("\n")[0]})`); });
      const reg = await page.evaluate(async () => {
        const r = await navigator.serviceWorker.ready;
        return { scope: r.scope, script: r.active?.scriptURL };
      });
      assert.deepEqual(reg, { scope: `${server.origin}/`, script: `${server.origin}/sw.js` });

      // Requests the worker must let through untouched and never keep: the socket's path, a
      // calendar feed (its secret in the path), the health check, a page that does not exist.
      const passed = await page.evaluate(async () => {
        const out = {};
        for (const path of ["/v1/ws", "/v1/calendar/not-a-real-feed.ics", "/healthz", "/no-such-file.png"]) {
          out[path] = (await fetch(path)).status;
        }
        return out;
      });
      assert.deepEqual(passed, { "/v1/ws": 426, "/v1/calendar/not-a-real-feed.ics": 404, "/healthz": 200,
        "/no-such-file.png": 404 });

      const cached = await page.evaluate(async () => {
        const names = await caches.keys();
        const entries = {};
        for (const name of names) {
          const cache = await caches.open(name);
          entries[name] = (await cache.keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search);
        }
        const matched = [];
        for (const path of ["/v1/ws", "/v1/calendar/not-a-real-feed.ics", "/healthz", "/index.html", "/sw.js"]) {
          if (await caches.match(path)) matched.push(path);
        }
        return { names, entries, matched };
      });
      assert.equal(cached.names.length, 1, `one cache: ${JSON.stringify(cached.names)}`);
      const [name] = cached.names;
      // Named by the bundle's hash, which build.mjs wrote into sw.js.
      const version = /^gadehold-shell-([0-9a-f]{16})$/.exec(name)?.[1];
      assert.ok(version, `cache name ${name}`);
      assert.ok(readFileSync(join(config.dist, "sw.js"), "utf8").includes(version), "sw.js names its cache's version");
      assert.deepEqual([...cached.entries[name]].sort(), [...SHELL].sort(), "the cached files");
      assert.deepEqual(cached.matched, [], "paths that must never be in a cache");

      // The server goes away for real; the reload comes from the cache.
      await server.halt();
      const res = await page.reload();
      assert.ok(res, "the reload got no response");
      assert.equal(res.status(), 200);
      assert.equal(res.fromServiceWorker(), true, "the page came from the service worker");
      await visible(tid(page, "view-signin"), "view-signin, from the cache", 10000);
      await visible(tid(page, "invite-code"), "the invite code field");
      assert.equal(await page.title(), "gadehold");
      // The app's style came along: the button is styled, not the browser's default.
      const styled = await page.evaluate(() => getComputedStyle(document.querySelector("button")).borderRadius);
      assert.equal(styled, "6px", "app.css is applied");
    }, { viewport: PHONE, serviceWorkers: "allow", allowConsole: OFFLINE_CONSOLE });

    // Signed in, then the server goes away: the app opens all the same, signed in, and says
    // it is not connected.
    await server.resume();
    await withPage(ctx.browser, server, "offline-shell-signed-in", async (s) => {
      const page = s.page;
      await page.goto(`${server.origin}/`);
      await visible(tid(page, "view-signin"), "view-signin");
      await tid(page, "invite-code").fill(code);
      await tid(page, "handle").fill("vol-offline");
      await tid(page, "device-name").fill("offline phone");
      await tid(page, "redeem-submit").click();
      const online = '[data-testid="conn-state"][data-state="online"]';
      await visible(page.locator(online), "conn-state online after signing in", 10000);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });
      await server.halt();
      const res = await page.reload();
      assert.equal(res?.fromServiceWorker(), true, "the page came from the service worker");
      const notOnline = '[data-testid="conn-state"][data-state="offline"], [data-testid="conn-state"][data-state="connecting"]';
      await visible(page.locator(notOnline), "the app with conn-state offline or connecting", 10000);
      assert.equal(await page.locator(online).count(), 0, "online with the server stopped");
      assert.equal(await tid(page, "view-signin").count(), 0, "signed in, the app opens without the sign-in form");
    }, { viewport: PHONE, serviceWorkers: "allow", allowConsole: OFFLINE_CONSOLE });
  } finally {
    await server.resume();
  }
});
