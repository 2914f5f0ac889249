// A lead's phone (360 x 740): the compact header, every dashboard view without sideways
// scrolling, the statistics chart tall enough to read, today in the shift week, a new view
// starting at its top, toasts that never cover a button, and Sign out behind a question.
// The screenshots are <artifacts>/phone-*.png.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  OFFLINE_CONSOLE, PHONE, gone, headerTool, isShown, newClientId, screenshot, setup, signIn, storedToken, tid, visible, withPage,
} from "./harness.mjs";

// A finished patrol with notes (for the statistics), and one on the street now that asked
// for support and raised an SOS.
const ctx = setup({ prepare: async ({ world }) => {
  const v1 = world.v1;
  const a = await world.volunteer("vol-phone-a");
  const b = await world.volunteer("vol-phone-b");
  const now = Date.now();
  const done = await world.startPatrol(a, [b], { startedAtMs: now - 120 * 60 * 1000 });
  const categories = [v1.NoteCategory.NOTE_CATEGORY_CONVERSATION, v1.NoteCategory.NOTE_CATEGORY_WELFARE_CONCERN,
    v1.NoteCategory.NOTE_CATEGORY_REFERRAL_MADE];
  for (const [i, category] of categories.entries()) {
    await a.request("submitNote", {
      clientId: newClientId(), patrolId: done.patrolId, atMs: now - (100 - i * 10) * 60 * 1000, location: world.where,
      category, outcome: v1.NoteOutcome.NOTE_OUTCOME_ADVICE_GIVEN, ageBand: v1.AgeBand.AGE_BAND_18_24, groupSize: 2,
      text: "Talked with a group near the square",
    });
  }
  await a.request("endPatrol", { clientId: newClientId(), patrolId: done.patrolId, endedAtMs: now - 60 * 60 * 1000 });
  const { patrolId } = await world.startPatrol(a, [b]);
  await world.checkIn(b, patrolId, "need_support");
  await a.request("raiseSos", { clientId: newClientId(), patrolId, message: "need help at the square" });
  Object.assign(ctx, { a, b, patrolId });
} });

// The browser refuses to play (a reload with no tap since): every AudioContext stays
// suspended. Debian's headless Chromium would play without a gesture (alarm.test.mjs).
const BLOCKED_AUDIO = () => {
  Object.defineProperty(AudioContext.prototype, "state", { get: () => "suspended" });
  AudioContext.prototype.resume = () => new Promise(() => {});
};

const scrollWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth);

// The header and the tabs, in CSS pixels, with the page at its top.
const headerHeight = (page) => page.evaluate(() => {
  const header = document.querySelector("header.topbar").getBoundingClientRect();
  const nav = document.querySelector("nav.nav").getBoundingClientRect();
  return Math.round(nav.bottom - header.top);
});

// Visible buttons (and links styled as buttons) whose box meets the element's.
const coveredBy = (page, testid) => page.evaluate((id) => {
  const over = document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
  const hit = [];
  for (const b of document.querySelectorAll("button, a.button-link, select, input, textarea")) {
    const r = b.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(b).visibility === "hidden") continue;
    if (r.left < over.right && over.left < r.right && r.top < over.bottom && over.top < r.bottom) {
      hit.push(`${b.dataset.testid || b.tagName} at ${Math.round(r.top)}`);
    }
  }
  return { toast: `${Math.round(over.top)}–${Math.round(over.bottom)}`, hit };
}, testid);

// Clicks a tab in the page itself: Playwright's click would first scroll the tab into view.
const clickInPage = (page, testid) => page.evaluate((id) => document.querySelector(`[data-testid="${id}"]`).click(), testid);

test("each dashboard view at 360 x 740: compact header, no sideways scrolling, tall chart, today", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "phone-views", async ({ page }) => {
    await page.goto(`${server.origin}/`);
    await visible(tid(page, "view-signin"), "view-signin");
    await screenshot(page, "phone-signin");
    assert.ok((await scrollWidth(page)) <= PHONE.width, `sign-in view: scrollWidth ${await scrollWidth(page)} > 360`);
    await signIn(page, server, { code, handle: "lead-phone" });
    await visible(page.locator(`[data-testid="patrol"][data-patrol-id="${ctx.patrolId}"] [data-testid="need-support"]`),
      "the patrol card with its need-support badge");
    await visible(tid(page, "alerts-panel").locator('[data-testid="alert"][data-kind="SOS"]'), "the SOS");
    // The first tap lets the page play sound: the header is in its everyday state.
    await page.locator("header.topbar .brand").click();

    // The header: one row and the tabs, the tools behind Menu, the open alerts counted.
    const height = await headerHeight(page);
    assert.ok(height <= 120, `header and tabs are ${height} px tall at 360 x 740, more than 120`);
    assert.equal(await tid(page, "sign-out").isVisible(), false, "Sign out shows with the menu closed");
    assert.equal(await tid(page, "mode-volunteer").isVisible(), false, "'I am patrolling' shows with the menu closed");
    assert.match(await tid(page, "header-alerts").locator(".count").innerText(), /^[1-9]\d*$/,
      "header-alerts shows the number of open alerts");
    assert.equal(await tid(page, "header-menu").getAttribute("aria-expanded"), "false");
    await tid(page, "header-menu").click();
    await visible(tid(page, "sign-out"), "sign-out in the open menu");
    await visible(tid(page, "lang"), "the language in the open menu");
    assert.equal(await tid(page, "header-menu").getAttribute("aria-expanded"), "true");
    await screenshot(page, "phone-menu");
    await page.keyboard.press("Escape");
    await gone(tid(page, "sign-out"), "sign-out after Escape closed the menu");
    // Danish words are longer: still one row.
    await (await headerTool(page, "lang")).selectOption("da");
    await page.waitForFunction(() => document.documentElement.lang === "da", null, { timeout: 5000 });
    const danish = await headerHeight(page);
    assert.ok(danish <= 120, `in Danish, header and tabs are ${danish} px tall at 360 x 740, more than 120`);
    assert.ok((await scrollWidth(page)) <= PHONE.width, `in Danish: scrollWidth ${await scrollWidth(page)} > 360`);
    await screenshot(page, "phone-board-da");
    await (await headerTool(page, "lang")).selectOption("en");
    await page.waitForFunction(() => document.documentElement.lang === "en", null, { timeout: 5000 });

    for (const view of ["board", "alerts", "shifts", "stats", "devices"]) {
      await clickInPage(page, `nav-${view}`);
      await visible(tid(page, `view-${view}`), `view-${view}`);
      if (view === "stats") {
        const notes = page.locator('canvas[data-testid="chart-notes"][data-drawn="true"]');
        await notes.waitFor({ state: "attached", timeout: 8000 });
        const plot = Number(await notes.getAttribute("data-plot-height"));
        assert.ok(plot >= 200, `the notes-by-category chart's bars have ${plot} px at 360 px wide, fewer than 200`);
        assert.equal(await notes.getAttribute("data-legend-fits"), "true", "a legend entry of notes by category is cut off");
      }
      if (view === "shifts") {
        const today = await page.evaluate(() => {
          const d = new Date();
          return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
        });
        const column = page.locator(`[data-testid="day"][data-date="${today}"]`);
        await visible(column.locator('[data-testid="shift-today"]'), "the Today label in today's column");
        assert.equal(await tid(page, "shift-today").count(), 1, "more than one day says Today");
        await page.waitForFunction((date) => {
          const r = document.querySelector(`[data-testid="day"][data-date="${date}"]`).getBoundingClientRect();
          return r.top >= 0 && r.top < window.innerHeight / 2;
        }, today, { timeout: 3000 }).catch(() => {});
        const top = await column.evaluate((e) => Math.round(e.getBoundingClientRect().top));
        assert.ok(top >= 0 && top < PHONE.height / 2, `today's column starts at ${top} px, not in the top half of the screen`);
      }
      const width = await scrollWidth(page);
      assert.ok(width <= PHONE.width, `view-${view}: document.documentElement.scrollWidth is ${width}, more than 360`);
      await screenshot(page, `phone-${view}`);
      // Scrolled down, the next tab opens at its top.
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    }
    assert.ok(await page.evaluate(() => window.scrollY) > 0, "the devices view is too short to test scrolling");
    await clickInPage(page, "nav-stats");
    await visible(tid(page, "view-stats"), "view-stats again");
    assert.equal(await page.evaluate(() => window.scrollY), 0, "switching tabs kept the old scroll position");
    await clickInPage(page, "nav-devices");
  }, { viewport: PHONE });
});

test("on a phone a toast never covers a button, with alerts on screen", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "phone-toast", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-phone-toast" });
    await clickInPage(page, "nav-alerts");
    await visible(tid(page, "view-alerts").locator('[data-testid="alert"]'), "the open alerts");
    for (const scrolled of [false, true]) {
      if (scrolled) await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 3));
      // A new SOS: the page says so in a toast.
      await ctx.b.request("raiseSos", { clientId: newClientId(), patrolId: ctx.patrolId, message: "" });
      await visible(tid(page, "toast"), "a toast for the new alert");
      const { toast, hit } = await coveredBy(page, "toast");
      assert.deepEqual(hit, [], `the toast (${toast} px${scrolled ? ", page scrolled" : ""}) covers ${hit.join(", ")}`);
      if (!scrolled) await screenshot(page, "phone-toast-alerts");
    }
    // Signing out for real, from the menu.
    await (await headerTool(page, "sign-out")).click();
    await tid(page, "signout-confirm-yes").click();
    await visible(tid(page, "view-signin"), "view-signin after confirming the sign-out");
  }, { viewport: PHONE });
});

test("sign out asks first (Cancel focused, Escape cancels), is refused offline; a blocked alarm sound is never in the menu", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "phone-signout", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-phone-out" });
    await visible(page.locator('[data-testid="conn-state"][data-state="online"]'), "online");
    const token = (await storedToken(page)).value;
    assert.equal(typeof token, "string");
    // Audio blocked: the control that enables it is in sight with the menu closed.
    const enable = tid(page, "header-tools").locator('[data-testid="sound-enable"]');
    await visible(enable, "sound-enable in the header with the menu closed");
    assert.equal(await tid(page, "sign-out").isVisible(), false, "Sign out shows with the menu closed");
    await screenshot(page, "phone-sound-blocked");

    await (await headerTool(page, "sign-out")).click();
    const dialog = tid(page, "signout-confirm");
    await visible(dialog, "the sign-out confirmation");
    assert.match(await dialog.innerText(), /new invite code/, "the dialog says the device will need a new invite");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "signout-confirm-no",
      "the focus is not on Stay signed in");
    await screenshot(page, "phone-signout-confirm");
    await page.keyboard.press("Enter"); // Enter on the focused button: stays signed in
    await gone(dialog, "the confirmation after Enter on Stay signed in");
    await (await headerTool(page, "sign-out")).click();
    await visible(dialog, "the sign-out confirmation again");
    await page.keyboard.press("Escape");
    await gone(dialog, "the confirmation after Escape");
    assert.ok(await isShown(tid(page, "view-board")), "the board after cancelling");
    assert.equal((await storedToken(page)).value, token, "the token changed although the sign-out was cancelled");

    // With no connection the page refuses (the server must revoke the token), asking nothing.
    await server.halt();
    try {
      await visible(page.locator('[data-testid="conn-state"]:not([data-state="online"])'), "not online", 10000);
      await (await headerTool(page, "sign-out")).click();
      await visible(tid(page, "toast").filter({ hasText: /needs a connection/ }), "the offline refusal");
      assert.equal(await isShown(dialog), false, "the confirmation opened while offline");
    } finally {
      await server.resume();
    }
  }, { viewport: PHONE, allowConsole: OFFLINE_CONSOLE, initScripts: [BLOCKED_AUDIO] });
});
