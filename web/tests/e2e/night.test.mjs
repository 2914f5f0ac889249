// The lead's night (issue 29, problems 3 and 4). Offline is loud: with the server process
// stopped (or frozen with its sockets open), a banner says since when, the patrol cards are greyed and their times stand
// still; after the restart the page lists the state again (a patrol ended and one started
// right after the restart), says "Back online", and a page another connection of its
// device took over says that instead. The Tonight panel: the shifts running now and
// later tonight with who signed up and their staffing, kept live by shift events; an
// understaffed alert names its shift and its link opens that shift in the Shifts view.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  Client, OFFLINE_CONSOLE, PHONE, axeCheck, gone, newClientId, screenshot, setup, signIn, sleep, storedToken, tid, visible, withPage,
} from "./harness.mjs";

const ctx = setup();

const CLOCK = "\\d{2}[:.]\\d{2}";

test("offline: banner, greyed cards, frozen times; recovery reloads the state", async () => {
  const { server, world } = ctx;
  const vol = await world.volunteer("vol-night-a");
  const mate = await world.volunteer("vol-night-b");
  const code = await world.invite("lead");
  // Started 26 s ago with a 60 s interval: the bar on its card moves 1 % every 0.6 s, and
  // "just now" turns into "1 minute ago" within the seconds the test watches it.
  const first = await world.startPatrol(vol, [mate], { startedAtMs: Date.now() - 26_000, intervalS: 60 });
  await withPage(ctx.browser, server, "night-offline", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-night" });
    const card = page.locator(`[data-testid="patrol"][data-patrol-id="${first.patrolId}"]`);
    await visible(card, "the patrol's card");
    const banner = tid(page, "offline-banner");
    assert.equal(await banner.isVisible(), false, "offline-banner while online");

    await server.halt();
    await page.waitForFunction(() => document.querySelector('[data-testid="conn-state"]')?.dataset.state !== "online",
      null, { timeout: 10_000 });
    const lostAt = Date.now();
    // A reconnect blink does not flash it: not at once.
    assert.equal(await banner.isVisible(), false, "offline-banner at once, before the grace");
    await visible(banner, "offline-banner after the server stopped", 8000);
    console.log(`# offline-banner ${Date.now() - lostAt} ms after the page saw the drop`);
    assert.equal(await banner.getAttribute("role"), "alert");
    assert.equal(await banner.getAttribute("data-reason"), "offline");
    assert.match(await banner.innerText(), new RegExp(`^Offline since ${CLOCK}: what you see may be out of date\\.$`));

    // Greyed, and the times stand still.
    assert.equal(await page.evaluate(() => document.body.dataset.conn), "offline");
    const grey = await card.evaluate((el) => ({ filter: getComputedStyle(el).filter, border: getComputedStyle(el).borderTopStyle }));
    assert.deepEqual(grey, { filter: "grayscale(1)", border: "dashed" }, "the patrol card is not greyed");
    const shown = () => card.evaluate((el) => ({
      since: el.querySelector('[data-testid="patrol-since"]')?.textContent,
      bar: el.querySelector(".fill")?.style.width,
      status: el.dataset.status,
    }));
    const before = await shown();
    await sleep(3000);
    assert.deepEqual(await shown(), before, "the card's times moved while offline");
    await screenshot(page, "offline-banner");
    await axeCheck(page, "the board offline");
    await page.emulateMedia({ colorScheme: "dark" });
    await axeCheck(page, "the board offline, dark", { rules: ["color-contrast", "link-in-text-block"] });
    await page.emulateMedia({ colorScheme: "light" });

    // Back: a patrol ends and another starts right after the restart.
    await server.resume();
    const resumedAt = Date.now();
    const volAgain = await Client.hello(server, vol.welcome.deviceToken);
    const mateAgain = await Client.hello(server, mate.welcome.deviceToken);
    // The coordinator's client too, for the next test.
    world.coord = await Client.hello(server, world.coord.welcome.deviceToken);
    world.clients.push(volAgain, mateAgain, world.coord);
    await volAgain.request("endPatrol", { clientId: newClientId(), patrolId: first.patrolId, endedAtMs: Date.now() });
    const second = await world.startPatrol(mateAgain, [volAgain]);

    await gone(banner, "offline-banner after the restart", 30_000);
    console.log(`# offline-banner gone ${Date.now() - resumedAt} ms after the restart`);
    await visible(tid(page, "toast").filter({ hasText: new RegExp(`^Back online: updated ${CLOCK}$`) }), "the back-online toast", 5000);
    assert.equal(await page.evaluate(() => document.body.dataset.conn ?? null), null, "body still data-conn");
    await gone(card, "the patrol that ended after the restart", 5000);
    const next = page.locator(`[data-testid="patrol"][data-patrol-id="${second.patrolId}"]`);
    await visible(next, "the patrol started after the restart", 5000);
    assert.equal(await next.evaluate((el) => getComputedStyle(el).filter), "none", "a card is still greyed online");

    // Three newer connections of the same device replace this page's: it says so, not "offline".
    const token = (await storedToken(page)).value;
    const others = [];
    try {
      for (let i = 0; i < 3; i += 1) others.push(await Client.hello(server, token));
      await visible(banner.and(page.locator('[data-reason="replaced"]')), "offline-banner for a replaced page", 5000);
      assert.match(await banner.innerText(), /opened in another tab or on another device/);
      await visible(tid(page, "offline-reload"), "the reload button");
    } finally {
      for (const c of others) c.close();
    }
    await volAgain.request("endPatrol", { clientId: newClientId(), patrolId: second.patrolId, endedAtMs: Date.now() });
  }, { allowConsole: OFFLINE_CONSOLE });
});

// A server that hangs without closing its sockets (kill -STOP): the page's heartbeat
// (connection.ts: a probe after 20 s of silence, given up 10 s later) notices it.
test("offline: a frozen server that keeps its sockets open is noticed within ~35 s", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "night-frozen", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-frozen" });
    const banner = tid(page, "offline-banner");
    await visible(tid(page, "conn-state").and(page.locator('[data-state="online"]')), "conn-state online");
    const frozenAt = Date.now();
    server.freeze();
    try {
      await visible(banner, "offline-banner after the server froze", 38_000);
      console.log(`# offline-banner ${Date.now() - frozenAt} ms after the freeze`);
      assert.equal(await banner.getAttribute("data-reason"), "offline");
    } finally {
      server.thaw();
    }
    await gone(banner, "offline-banner after the thaw", 20_000);
    await visible(tid(page, "toast").filter({ hasText: new RegExp(`^Back online: updated ${CLOCK}$`) }), "the back-online toast", 5000);
  }, { allowConsole: OFFLINE_CONSOLE });
});

test("tonight: the shifts running now and later tonight; an understaffed alert links its shift", async () => {
  const { server, world } = ctx;
  const [a, b, c, d] = await Promise.all(["vol-t-ann", "vol-t-bo", "vol-t-cy", "vol-t-dan"].map((n) => world.volunteer(n)));
  const code = await world.invite("lead");
  const now = Date.now();
  const shift = async (startsAtMs, hours, min, max, title) => (await world.coord.request("createShift", {
    clientId: newClientId(), teamId: world.teamId, areaId: world.areaId, startsAtMs, endsAtMs: startsAtMs + hours * 3600_000,
    minVolunteers: min, maxVolunteers: max, title })).id;
  const running = await shift(now + 4000, 3, 2, 4, "Harbour evening");
  const later = await shift(now + 2 * 3600_000, 3, 3, 5, "Late round");
  const tomorrow = await shift(now + 13 * 3600_000, 2, 1, 2, "Tomorrow noon");
  await a.request("signUp", { shiftId: running, clientId: newClientId() });
  await b.request("signUp", { shiftId: running, clientId: newClientId() });
  await c.request("signUp", { shiftId: later, clientId: newClientId() });
  await sleep(Math.max(0, now + 4500 - Date.now())); // the first one has started

  await withPage(ctx.browser, server, "night-tonight", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-tonight" });
    const panel = tid(page, "tonight-panel");
    const items = panel.locator('[data-testid="tonight-shift"]');
    await visible(items.first(), "a tonight-shift");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="tonight-shift"]').length >= 2, null, { timeout: 5000 });
    assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.dataset.shiftId)), [running, later],
      `the panel lists the running shift, then the later one, and not tomorrow's (${tomorrow})`);
    assert.equal(await tid(page, "tonight-empty").isVisible(), false);

    const item = (id) => panel.locator(`[data-testid="tonight-shift"][data-shift-id="${id}"]`);
    assert.equal(await item(running).getAttribute("data-running"), "true");
    assert.equal(await item(later).getAttribute("data-running"), "false");
    assert.match(await item(running).locator('[data-testid="tonight-signups"]').innerText(), /vol-t-ann.*vol-t-bo|vol-t-bo.*vol-t-ann/);
    assert.equal(await item(running).locator('[data-testid="tonight-staffing"]').innerText(), "2 of 2 signed up");
    assert.match(await item(later).locator('[data-testid="tonight-time"]').innerText(), new RegExp(`^\\w+ ${CLOCK}–${CLOCK}$`));
    assert.match(await item(later).innerText(), new RegExp(`${world.areaName}[\\s\\S]*Team ${world.teamName}`));
    assert.equal(await item(later).locator('[data-testid="tonight-staffing"]').innerText(), "1 of 3 signed up");
    assert.equal(await item(later).getAttribute("data-staffing"), "UNDERSTAFFED");

    // A sign-up shows without a reload.
    await d.request("signUp", { shiftId: later, clientId: newClientId() });
    await visible(item(later).locator('[data-testid="tonight-signups"]', { hasText: "vol-t-dan" }), "the new sign-up", 5000);
    assert.equal(await item(later).locator('[data-testid="tonight-staffing"]').innerText(), "2 of 3 signed up");

    // The watchdog's understaffed alert for the later shift names it: time, area, staffing.
    const named = page.locator(`[data-testid="alert"] [data-testid="alert-shift"][data-shift-id="${later}"]`);
    await visible(named, "the understaffed alert's shift line", 8000);
    await visible(named.filter({ hasText: new RegExp(`^\\w+ ${CLOCK}–${CLOCK}, ${world.areaName}: 2 of 3 signed up$`) }),
      `the alert names its shift (got "${await named.innerText()}")`, 5000);
    await screenshot(page, "tonight-panel");
    await axeCheck(page, "the board with tonight's shifts");
    await page.emulateMedia({ colorScheme: "dark" });
    await axeCheck(page, "the board with tonight's shifts, dark", { rules: ["color-contrast", "link-in-text-block"] });
    await screenshot(page, "tonight-panel-dark");
    await page.emulateMedia({ colorScheme: "light" });

    await page.setViewportSize(PHONE);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "the board scrolls sideways on a phone");
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, "tonight-panel-phone");
    await page.setViewportSize({ width: 1280, height: 800 });

    // The alert's link opens that shift in the Shifts view: its week and team, marked and focused.
    await named.locator("a").click();
    await visible(tid(page, "view-shifts"), "view-shifts after the alert's shift link");
    const card = page.locator(`[data-testid="shift"][data-shift-id="${later}"]`);
    await visible(card.and(page.locator('[data-focused="true"]')), "the alert's shift marked in the Shifts view");
    await page.waitForFunction((id) => document.activeElement?.getAttribute("data-shift-id") === id, later, { timeout: 3000 });
    assert.equal(await page.evaluate(() => location.hash), `#shift=${later}`);

    // And the Tonight panel's own link, in Danish.
    await tid(page, "nav-board").click();
    await tid(page, "lang").selectOption("da");
    await visible(panel.locator("h2", { hasText: "I aften" }), "the panel in Danish");
    assert.equal(await item(later).locator('[data-testid="tonight-staffing"]').innerText(), "2 af 3 tilmeldt");
    await item(running).locator("a").click();
    await visible(page.locator(`[data-testid="shift"][data-shift-id="${running}"][data-focused="true"]`), "the running shift marked");
  });
});
