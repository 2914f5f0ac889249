// The page as HTTP: content types, the exact Content-Security-Policy of the contract and
// the other security headers on every response, gzip twins, ETag revalidation, the icons;
// and the CSP and Permissions-Policy actually in force in Chromium, which let the page
// register its service worker and nothing more.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { CSP, config, httpGet, setup, tid, visible, withPage } from "./harness.mjs";

const ctx = setup({ world: false });

const SECURITY_HEADERS = {
  "content-security-policy": CSP,
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "geolocation=(self), camera=(), microphone=()",
};

function assertSecurityHeaders(res, what) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    assert.equal(res.headers[name], value, `${what}: header ${name}`);
  }
}

const ASSETS = [
  { path: "/", file: "index.html", type: "text/html; charset=utf-8" },
  { path: "/index.html", file: "index.html", type: "text/html; charset=utf-8" },
  { path: "/app.js", file: "app.js", type: "text/javascript; charset=utf-8" },
  { path: "/app.css", file: "app.css", type: "text/css; charset=utf-8" },
  { path: "/sw.js", file: "sw.js", type: "text/javascript; charset=utf-8" },
  { path: "/manifest.webmanifest", file: "manifest.webmanifest", type: "application/manifest+json" },
  // Images: compressed already, so no gzip twins.
  { path: "/icon-192.png", file: "icon-192.png", type: "image/png", twin: false },
  { path: "/icon-512.png", file: "icon-512.png", type: "image/png", twin: false },
  { path: "/icon-maskable-192.png", file: "icon-maskable-192.png", type: "image/png", twin: false },
  { path: "/icon-maskable-512.png", file: "icon-maskable-512.png", type: "image/png", twin: false },
  { path: "/apple-touch-icon.png", file: "apple-touch-icon.png", type: "image/png", twin: false },
  { path: "/favicon.ico", file: "favicon.ico", type: "image/x-icon", twin: false },
];

test("GET / is the page: 200 text/html with the contract's CSP and security headers", async () => {
  const res = await httpGet(`${ctx.server.origin}/`);
  assert.equal(res.status, 200, "GET / status");
  assert.equal(res.headers["content-type"], "text/html; charset=utf-8");
  assertSecurityHeaders(res, "GET /");
  assert.equal(res.headers["cache-control"], "no-cache", "GET / Cache-Control");
  const html = res.body.toString("utf8");
  assert.match(html, /<script[^>]*\ssrc="\/app\.js"/, "index.html loads /app.js");
  assert.match(html, /<link[^>]*\shref="\/app\.css"/, "index.html loads /app.css");
  // A web app once added to the home screen (iOS delivers Web Push only to those).
  assert.match(html, /<link rel="manifest" href="\/manifest\.webmanifest">/, "index.html names the manifest");
  assert.match(html, /<link rel="icon" href="\/favicon\.ico"/, "index.html names the favicon");
  assert.match(html, /<link rel="apple-touch-icon" href="\/apple-touch-icon\.png">/, "index.html names the iOS icon");
  assert.match(html, /<meta name="theme-color" content="#[0-9a-f]{6}"/, "index.html has a theme colour");
  assert.match(html, /<meta name="apple-mobile-web-app-capable" content="yes">/, "a home-screen web app on iOS");
  const manifest = JSON.parse((await httpGet(`${ctx.server.origin}/manifest.webmanifest`)).body.toString("utf8"));
  assert.equal(manifest.display, "standalone");
  assert.equal(manifest.start_url, "/");
  // Every script is external: the CSP forbids inline ones.
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\ssrc=/, `inline script: ${tag}`);
  assert.doesNotMatch(html, /\son[a-z]+=/i, "inline event handler attributes in index.html");
});

test("the assets are the built bundle, with their content types", async () => {
  for (const a of ASSETS) {
    const res = await httpGet(`${ctx.server.origin}${a.path}`);
    assert.equal(res.status, 200, `GET ${a.path} status`);
    assert.equal(res.headers["content-type"], a.type, `GET ${a.path} Content-Type`);
    assert.equal(res.headers["content-encoding"], undefined, `GET ${a.path} without Accept-Encoding`);
    assertSecurityHeaders(res, `GET ${a.path}`);
    // Revalidated at every load; for /sw.js also at every update check of the worker.
    assert.equal(res.headers["cache-control"], "no-cache", `GET ${a.path} Cache-Control`);
    assert.ok(res.body.length > 0, `GET ${a.path} is empty`);
    assert.ok(res.body.equals(readFileSync(join(config.dist, a.file))), `GET ${a.path} differs from dist/${a.file}`);
  }
});

test("gzip twins are sent to clients that accept gzip, and ETags revalidate", async () => {
  for (const a of ASSETS) {
    const plain = await httpGet(`${ctx.server.origin}${a.path}`);
    const gz = await httpGet(`${ctx.server.origin}${a.path}`, { "Accept-Encoding": "gzip, deflate, br" });
    assert.equal(gz.status, 200);
    if (a.twin === false) {
      assert.equal(gz.headers["content-encoding"], undefined, `GET ${a.path}: an image has no gzip twin`);
      assert.equal(gz.headers.vary, undefined, `GET ${a.path} Vary`);
      assert.ok(gz.body.equals(plain.body), `GET ${a.path} with Accept-Encoding: gzip`);
    } else {
      assert.equal(gz.headers["content-encoding"], "gzip", `GET ${a.path} with Accept-Encoding: gzip`);
      assert.match(gz.headers.vary ?? "", /accept-encoding/i, `GET ${a.path} Vary`);
      assert.ok(gunzipSync(gz.body).equals(plain.body), `GET ${a.path}: the gzip twin unpacks to another body`);
      assert.ok(gz.body.equals(readFileSync(join(config.dist, `${a.file}.gz`))), `${a.path}: not dist/${a.file}.gz`);
    }

    const etag = plain.headers.etag;
    assert.match(etag ?? "", /^"[^"]+"$/, `GET ${a.path}: a strong ETag, got ${etag}`);
    const again = await httpGet(`${ctx.server.origin}${a.path}`, { "If-None-Match": etag });
    assert.equal(again.status, 304, `GET ${a.path} with If-None-Match: ${etag}`);
    assert.equal(again.body.length, 0);
    assertSecurityHeaders(again, `304 for ${a.path}`);
    const stale = await httpGet(`${ctx.server.origin}${a.path}`, { "If-None-Match": '"not-the-etag"' });
    assert.equal(stale.status, 200, `GET ${a.path} with a stale If-None-Match`);
  }
});

test("every response of the server carries the security headers", async () => {
  for (const [path, status] of [
    ["/healthz", 200],
    ["/metrics", 404], // served only on the metrics listener
    ["/v1/ws", 426],
    ["/no-such-page", 404],
  ]) {
    const res = await httpGet(`${ctx.server.origin}${path}`);
    assert.equal(res.status, status, `GET ${path} status`);
    assertSecurityHeaders(res, `GET ${path}`);
  }
  for (const path of ["/metrics", "/healthz"]) {
    const res = await httpGet(`${ctx.server.metricsOrigin}${path}`);
    assert.equal(res.status, 200, `GET ${path} on the metrics listener`);
    assertSecurityHeaders(res, `GET ${path} on the metrics listener`);
  }
});

test("the CSP and Permissions-Policy are in force in Chromium: the page runs, an injected inline script does not", async () => {
  await withPage(ctx.browser, ctx.server, "headers-csp", async (s) => {
    const page = s.page;
    const res = await page.goto(`${ctx.server.origin}/`);
    assert.equal(res.status(), 200);
    assert.equal(await res.headerValue("content-security-policy"), CSP);
    await visible(tid(page, "view-signin"), "view-signin");
    assert.equal(await page.title(), "gadehold");
    // Inline script is refused by script-src 'self': the violation is reported and the
    // script never runs. (Cleared afterwards: it is this test's own doing.)
    const ran = await page.evaluate(async () => {
      const el = document.createElement("script");
      el.textContent = "window.__e2eInline = true";
      document.head.append(el);
      await new Promise((r) => setTimeout(r, 200));
      return window.__e2eInline === true;
    });
    assert.equal(ran, false, "an inline script ran: the CSP is not in force");
    const deadline = Date.now() + 2000;
    while (!s.csp.some((v) => /script-src/.test(v)) && Date.now() < deadline) await page.waitForTimeout(50);
    assert.ok(s.csp.some((v) => /script-src/.test(v)), `no violation reported for the inline script: ${s.csp}`);
    await page.waitForTimeout(300); // the console copy of the report may come a little later
    s.csp.length = 0;
    s.consoleErrors = s.consoleErrors.filter((t) => !/Content Security Policy/i.test(t));
    // Permissions-Policy: geolocation for this origin only (the volunteers' check-ins), and
    // no camera or microphone at all.
    const allowed = await page.evaluate(() => {
      const policy = document.featurePolicy;
      return ["geolocation", "camera", "microphone"].map((f) => [f, policy.allowsFeature(f),
        policy.allowsFeature(f, "https://other.example.net")]);
    });
    assert.deepEqual(allowed, [["geolocation", true, false], ["camera", false, false], ["microphone", false, false]]);
    // Only this origin was asked for anything.
    assert.ok(s.requests.some((u) => u.endsWith("/app.js")), `app.js was not requested: ${s.requests}`);
    assert.ok(s.requests.some((u) => u.endsWith("/app.css")), `app.css was not requested: ${s.requests}`);
  });
});

test("the CSP lets the page register /sw.js with scope /, and the worker activates", async () => {
  await withPage(ctx.browser, ctx.server, "headers-sw", async (s) => {
    const page = s.page;
    await page.goto(`${ctx.server.origin}/`);
    await visible(tid(page, "view-signin"), "view-signin");
    const worker = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.register("/sw.js");
      const ready = await navigator.serviceWorker.ready;
      const w = ready.active;
      if (w && w.state !== "activated") await new Promise((r) => w.addEventListener("statechange", r));
      return { scope: reg.scope, script: ready.active?.scriptURL, state: ready.active?.state };
    });
    assert.equal(worker.scope, `${ctx.server.origin}/`);
    assert.equal(worker.script, `${ctx.server.origin}/sw.js`);
    assert.equal(worker.state, "activated");
    // A path outside the named files is no worker script.
    const refused = await page.evaluate(() =>
      navigator.serviceWorker.register("/sw2.js").then(() => "registered", (e) => e.name));
    assert.notEqual(refused, "registered");
    assert.equal(s.csp.length, 0, `CSP violations: ${s.csp}`);
  }, { serviceWorkers: "allow", allowConsole: [/sw2\.js/, /status of 404/, /bad HTTP response code \(404\)/] });
});
