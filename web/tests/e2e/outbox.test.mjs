// The volunteer's outbox with the network cut for real (issue 28): the server process is
// stopped (context.setOffline alone neither closes an open WebSocket nor stops a service
// worker's fetches in Chromium, so a test that relied on it would pass with no outbox at
// all). With the server down the volunteer checks in twice and writes a note; the screen
// says they are waiting on the phone. The page is closed and a new one opened (from the
// service worker's cache: the server is still down): the writes are still there. The
// server starts again: each write is stored once, the screen says so, and the lead has
// them in the order they were made.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, MOBILE, OFFLINE_CONSOLE, PHONE, setup, signIn, tid, visible, withPage } from "./harness.mjs";

const ctx = setup();

const entries = (page, kind, state) =>
  page.locator(`[data-testid="outbox-entry"][data-kind="${kind}"]${state ? `[data-state="${state}"]` : ""}`);

async function count(locator) {
  return locator.count();
}

async function waitCount(page, kind, state, n, what, timeout = 10_000) {
  const selector = `[data-testid="outbox-entry"][data-kind="${kind}"][data-state="${state}"]`;
  await page.waitForFunction(([sel, want]) => document.querySelectorAll(sel).length === want, [selector, n], { timeout })
    .catch(async () => {
      const states = await page.locator('[data-testid="outbox-entry"]').evaluateAll(
        (els) => els.map((e) => `${e.dataset.kind}:${e.dataset.state}`));
      throw new Error(`${what}: wanted ${n} ${kind} ${state}, the outbox shows ${states.join(", ")}`);
    });
}

test("with the server stopped, two check-ins and a note wait on the phone, survive a new page, and are stored once, in order", async () => {
  const { server, world } = ctx;
  const code = await world.invite("volunteer");
  const leadToken = (await world.lead("lead-outbox")).welcome.deviceToken;
  await withPage(ctx.browser, server, "outbox-offline", async (s) => {
    let page = s.page;
    await signIn(page, server, { code, handle: "vol-outbox", device: "outbox phone" });
    await visible(tid(page, "view-tonight"), "view-tonight");
    // The worker must hold the app shell before the server goes away.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
    await page.waitForFunction(async () => {
      for (const name of await caches.keys()) if (await (await caches.open(name)).match("/app.js")) return true;
      return false;
    }, null, { timeout: 10_000 });

    // A patrol, started while online.
    await tid(page, "nav-patrol").click();
    await visible(tid(page, "patrol-start-form"), "patrol-start-form");
    await tid(page, "patrol-area").selectOption(world.areaId);
    await tid(page, "patrol-start").click();
    await visible(entries(page, "startPatrol", "stored"), "the patrol's start stored", 10_000);
    const patrolId = await tid(page, "on-patrol").getAttribute("data-patrol-id");
    assert.match(patrolId ?? "", /^pat_/);

    // The network goes: the server process stops.
    await server.halt();
    await page.waitForFunction(() => document.querySelector('[data-testid="conn-state"]')?.dataset.state !== "online",
      null, { timeout: 10_000 });
    await visible(tid(page, "offline-banner"), "the offline banner");

    await tid(page, "checkin").click();
    await waitCount(page, "checkIn", "waiting", 1, "the first check-in");
    await tid(page, "checkin").click();
    await waitCount(page, "checkIn", "waiting", 2, "the second check-in");
    await tid(page, "nav-note").click();
    await tid(page, "note-category").selectOption({ label: "Conversation" });
    await tid(page, "note-outcome").selectOption({ label: "Advice given" });
    await tid(page, "note-age").selectOption({ label: "16–17" });
    await tid(page, "note-size").fill("2");
    await tid(page, "note-text").fill("Two lads by the fountain, calm, pointed them to the youth club.");
    await tid(page, "note-preview").click();
    // No preview without the server: the app says so and still lets the note go.
    await visible(tid(page, "note-preview-offline"), "the preview's offline notice");
    await tid(page, "note-send").click();
    await waitCount(page, "submitNote", "waiting", 1, "the note");
    assert.equal(await tid(page, "outbox-summary").getAttribute("data-pending"), "3");

    // The app is closed and opened again, with the server still down: from the worker's
    // cache, with the same three writes waiting.
    await page.close();
    page = await s.context.newPage();
    s.page = page;
    await page.goto(`${server.origin}/`);
    await visible(tid(page, "volunteer-shell"), "the volunteer's views, opened with no server", 15_000);
    await waitCount(page, "checkIn", "waiting", 2, "the check-ins after reopening");
    await waitCount(page, "submitNote", "waiting", 1, "the note after reopening");
    // No list of shifts yet: the page says so rather than "you are not signed up".
    const tonight = await tid(page, "view-tonight").innerText();
    assert.match(tonight, /Not loaded yet/);
    assert.doesNotMatch(tonight, /You are not signed up|No open shifts/);
    // The patrol this phone started is still on screen, with its check-in button.
    await tid(page, "nav-patrol").click();
    await visible(page.locator(`[data-testid="on-patrol"][data-patrol-id="${patrolId}"] [data-testid="checkin"]`),
      "the patrol and its check-in button, opened with no server");

    // The server comes back: each write is stored, once, and the screen says so.
    await server.resume();
    await waitCount(page, "checkIn", "stored", 2, "the check-ins stored", 60_000);
    await waitCount(page, "submitNote", "stored", 1, "the note stored", 10_000);
    assert.equal(await count(page.locator('[data-testid="outbox-entry"][data-state="waiting"]')), 0);
    assert.equal(await count(page.locator('[data-testid="outbox-entry"][data-state="refused"]')), 0);
    assert.equal(await tid(page, "outbox-summary").getAttribute("data-pending"), "0");

    // The lead: the patrol's events, from the start, in the order they were made.
    const lead = await Client.hello(server, leadToken);
    try {
      const events = [];
      let since = 0;
      for (;;) {
        const page_ = await lead.request("sync", { sinceSeq: since, limit: 500 }, "syncPage");
        events.push(...page_.events);
        since = Number(page_.nextSeq);
        if (!page_.more) break;
      }
      const mine = events.filter((e) => e.checkInRecorded?.patrolId === patrolId || e.noteRecorded?.patrolId === patrolId);
      assert.deepEqual(mine.map((e) => (e.checkInRecorded ? "check-in" : "note")), ["check-in", "check-in", "note"],
        "each write once, in the order made");
      const made = mine.map((e) => Number(e.checkInRecorded?.atMs ?? e.noteRecorded?.atMs));
      assert.deepEqual([...made].sort((a, b) => a - b), made, "the phone's times, in order");
      assert.match(mine[2].noteRecorded.text, /fountain/);
    } finally {
      lead.close();
    }
  }, { viewport: PHONE, serviceWorkers: "allow", allowConsole: OFFLINE_CONSOLE, contextOptions: MOBILE });
});
