// The lead's alarm (issue 29): an SOS or a call for support puts a banner above everything,
// its siren repeats until someone acknowledges it on any screen, an overdue patrol has its
// own slower sound, the tab's title and icon change, and "Sound on" never shows while the
// browser blocks audio.
//
// Sound is counted with a hook on the Web Audio API (AUDIO_HOOK): every OscillatorNode
// start, with its frequency and its context's state and clock, so a "play" is sound the
// page really scheduled on a running context, not a counter of its own.
//
// Blocked audio: Debian's headless Chromium (156) lets an AudioContext start without any user
// gesture, whatever --autoplay-policy says (tried user-gesture-required and
// document-user-activation-required). BLOCKED_AUDIO gives the page a desktop browser's
// policy instead: a context made before the page's first real click, tap or key press is
// suspended for real, reports "suspended", and resume() stays pending until there has been
// one. A gesture is a trusted input event (Playwright's clicks are): not
// navigator.userActivation, which Playwright's own evaluations in the page set too.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DESKTOP, PHONE, axeCheck, gone, headerTool, newClientId, screenshot, setup, signIn, silenceInDatabase, tid, visible, withPage,
} from "./harness.mjs";

const ctx = setup();

const SOS_TONES = [988, 740]; // web/src/sound.ts
const OVERDUE_TONE = 523;
const GRACE_S = 300; // the server's default overdue grace
const URGENT_REPEAT_MS = 4000; // web/src/alarm.ts
const TITLE_SOS = /^(🔴|⭕) SOS · \(1\) gadehold$/;

const AUDIO_HOOK = () => {
  window.__e2eAudio = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (when = 0, ...rest) {
    window.__e2eAudio.push({ t: performance.now(), when, now: this.context.currentTime, state: this.context.state,
      freq: this.frequency.value });
    return start.call(this, when, ...rest);
  };
};

const BLOCKED_AUDIO = () => {
  const Real = window.AudioContext;
  let gesture = false;
  for (const type of ["pointerdown", "mousedown", "touchstart", "keydown", "click"]) {
    window.addEventListener(type, (e) => {
      if (e.isTrusted) gesture = true;
    }, { capture: true });
  }
  class GatedAudioContext extends Real {
    constructor(...args) {
      super(...args);
      this.allowed = gesture;
      if (!this.allowed) void Real.prototype.suspend.call(this);
    }
    get state() {
      return this.allowed ? super.state : "suspended";
    }
    resume() {
      if (!this.allowed && !gesture) return new Promise(() => {});
      this.allowed = true;
      return super.resume();
    }
  }
  window.AudioContext = GatedAudioContext;
};

// Every text the alarm banner's live region is given, in order (alarm-announce).
const ANNOUNCE_HOOK = () => {
  window.__e2eSaid = [];
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('[data-testid="alarm-announce"]')) {
      const text = el.textContent;
      if (text && el.e2eSaid !== text) {
        el.e2eSaid = text;
        window.__e2eSaid.push(text);
      }
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

// The plays so far: oscillator starts grouped by when the page scheduled them.
async function plays(page) {
  const starts = await page.evaluate(() => window.__e2eAudio);
  const groups = [];
  for (const s of starts) {
    assert.equal(s.state, "running", "an oscillator was started on a context that is not running");
    // Ahead of the context's clock (a few ms late is the clock moving on while it was made).
    assert.ok(s.when > s.now - 0.05, `an oscillator was scheduled in the past (${s.when} < ${s.now})`);
    const last = groups[groups.length - 1];
    if (last && s.t - last.t < 300) last.freqs.add(s.freq);
    else groups.push({ t: s.t, freqs: new Set([s.freq]) });
  }
  const kind = (g) => ([...g.freqs].every((f) => SOS_TONES.includes(f)) ? "sos"
    : [...g.freqs].every((f) => f === OVERDUE_TONE) ? "overdue" : "other");
  return groups.map((g) => ({ t: g.t, kind: kind(g) }));
}

async function until(fn, timeout, what) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`${what} (within ${timeout} ms)`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const favicon = (page) => page.evaluate(() => document.querySelector('link[rel~="icon"]').getAttribute("href"));

// The colour of the favicon at (6, 16), inside the disc beside the "!".
function faviconPixel(page) {
  return page.evaluate(async () => {
    const img = new Image();
    img.src = document.querySelector('link[rel~="icon"]').getAttribute("href");
    await img.decode();
    const c = document.createElement("canvas");
    c.width = 32;
    c.height = 32;
    const g = c.getContext("2d");
    g.drawImage(img, 0, 0, 32, 32);
    return [...g.getImageData(6, 16, 1, 1).data];
  });
}

async function sosOnPatrol(world, prefix) {
  const a = await world.volunteer(`${prefix}-a`);
  const b = await world.volunteer(`${prefix}-b`);
  // Two members: no small-patrol alert beside the SOS.
  const { patrolId } = await world.startPatrol(a, [b]);
  return { a, b, patrolId };
}

async function resolveAll(world, ids) {
  for (const id of ids) await world.coord.request("resolveAlert", { clientId: newClientId(), alertId: id, note: "" });
}

test("audio blocked after a reload: the banner and a large 'enable' control, never 'Sound on'", async () => {
  const { server, world } = ctx;
  const { a, patrolId } = await sosOnPatrol(world, "vol-alarm-blocked");
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "alarm-blocked", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-alarm-blocked" });
    // A reload with no click since: the browser does not let the page play.
    await page.reload();
    await visible(tid(page, "view-board"), "view-board after the reload", 10000);
    const header = page.locator("header");
    await visible(header.locator('[data-testid="sound-enable"]'), "sound-enable in the header with audio blocked", 3000);
    assert.equal(await header.locator('[data-testid="sound-enable"]').innerText(), "Tap to enable the alarm sound");
    assert.equal(await header.locator('[data-testid="sound-toggle"]').count(), 0, "the toggle is still in the header");

    const sos = await a.request("raiseSos", { clientId: newClientId(), patrolId, message: "help at the quay" });
    const banner = tid(page, "alarm-banner");
    const item = banner.locator(`[data-testid="alarm-item"][data-alert-id="${sos.id}"]`);
    await visible(item, "the SOS in alarm-banner", 5000);
    assert.equal(await item.getAttribute("data-kind"), "SOS");
    assert.match(await item.innerText(), /Raised by vol-alarm-blocked-a/);
    await visible(banner.locator('[data-testid="sound-enable"]'), "sound-enable in the banner while the alarm is blocked");
    assert.match(await banner.innerText(), /The browser is blocking the alarm sound/);
    assert.equal(await page.getByText("Sound on").count(), 0, "'Sound on' shows while nothing can play");
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await plays(page)).length, 0, "sound was scheduled on a blocked context");

    await header.locator('[data-testid="sound-enable"]').click();
    const toggle = header.locator('[data-testid="sound-toggle"]');
    await visible(toggle, "sound-toggle after tapping sound-enable", 3000);
    assert.equal(await toggle.getAttribute("aria-pressed"), "true");
    assert.equal(await toggle.innerText(), "Sound on");
    await gone(banner.locator('[data-testid="sound-enable"]'), "the banner's sound-enable once audio plays", 3000);
    assert.equal(await header.locator('[data-testid="sound-enable"]').count(), 0);
    // The open SOS sounds as soon as the browser lets it.
    await until(async () => (await plays(page)).some((p) => p.kind === "sos"), 3000, "no SOS sound after enabling audio");
    await resolveAll(world, [sos.id]);
    await gone(banner, "alarm-banner after the SOS was resolved", 5000);
  }, { initScripts: [AUDIO_HOOK, BLOCKED_AUDIO] });
});

test("the SOS siren repeats until a second lead acknowledges it; the title and favicon change and return", async () => {
  const { server, world } = ctx;
  const { a, patrolId } = await sosOnPatrol(world, "vol-alarm-repeat");
  const code = await world.invite("lead");
  const second = await world.lead("lead-alarm-second");
  await withPage(ctx.browser, server, "alarm-repeats", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-alarm-repeat" });
    const toggle = page.locator('header [data-testid="sound-toggle"]');
    await visible(toggle, "sound-toggle with audio allowed");
    assert.equal(await toggle.innerText(), "Sound on");
    assert.equal(await page.title(), "gadehold");
    assert.equal(await favicon(page), "/favicon.ico");

    const sos = await a.request("raiseSos", { clientId: newClientId(), patrolId });
    const banner = tid(page, "alarm-banner");
    await visible(banner.locator(`[data-testid="alarm-item"][data-alert-id="${sos.id}"]`), "the SOS in alarm-banner", 5000);
    assert.equal(await banner.locator('[data-testid="alarm-sound"]').isVisible(), false, "a sound notice with sound on");

    // The title blinks its marker and keeps the count; the icon turns red.
    const titles = new Set();
    for (let i = 0; i < 12; i++) {
      titles.add(await page.title());
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const title of titles) assert.match(title, TITLE_SOS);
    assert.ok(titles.size >= 2, `the title does not change: ${[...titles].join(" | ")}`);
    assert.match(await favicon(page), /^data:image\/png;base64,/);
    const [r, g, b] = await faviconPixel(page);
    assert.ok(r > 150 && g < 60 && b < 80, `the alarm favicon is not red: rgb(${r}, ${g}, ${b})`);
    await screenshot(page, "alarm-banner-desktop");

    await until(async () => (await plays(page)).length >= 3, 3 * URGENT_REPEAT_MS + 3000, "fewer than 3 plays of the SOS");
    const before = await plays(page);
    assert.ok(before.every((p) => p.kind === "sos"), `not the SOS pattern: ${before.map((p) => p.kind)}`);
    for (let i = 1; i < before.length; i++) {
      const gap = before[i].t - before[i - 1].t;
      assert.ok(gap >= URGENT_REPEAT_MS - 500 && gap <= URGENT_REPEAT_MS + 2500, `a repeat after ${Math.round(gap)} ms`);
    }

    // Another lead, on their own screen, takes it on.
    await second.request("acknowledgeAlert", { alertId: sos.id, note: "I have it" });
    await gone(banner, "alarm-banner after the second lead acknowledged the SOS", 5000);
    const stopped = (await plays(page)).length;
    await new Promise((r) => setTimeout(r, 2 * URGENT_REPEAT_MS + 500));
    assert.equal((await plays(page)).length, stopped, "the siren played on after the acknowledgement");
    assert.equal(await page.title(), "gadehold", "the title after the acknowledgement");
    assert.equal(await favicon(page), "/favicon.ico", "the favicon after the acknowledgement");
    await resolveAll(world, [sos.id]);
  }, { initScripts: [AUDIO_HOOK] });
});

test("on a phone: SOS before need-support, a button to each card, on every view", async () => {
  const { server, world } = ctx;
  const { a, b, patrolId } = await sosOnPatrol(world, "vol-alarm-phone");
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "alarm-phone", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-alarm-phone" });
    await world.checkIn(b, patrolId, "need_support");
    const banner = tid(page, "alarm-banner");
    await visible(banner.locator('[data-testid="alarm-item"][data-kind="NEED_SUPPORT"]'), "need-support in the banner", 5000);
    const sos = await a.request("raiseSos", { clientId: newClientId(), patrolId });
    await visible(banner.locator(`[data-testid="alarm-item"][data-alert-id="${sos.id}"]`), "the SOS in the banner", 5000);
    const items = banner.locator('[data-testid="alarm-item"]');
    assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.dataset.kind)), ["SOS", "NEED_SUPPORT"],
      "the banner's alarms, SOS first (the need-support was raised first)");
    const support = await items.nth(1).getAttribute("data-alert-id");
    assert.match(await items.nth(1).innerText(), /Raised by vol-alarm-phone-b/);
    assert.match(await items.nth(0).innerText(), /Raised by vol-alarm-phone-a/);
    // Above everything: the banner comes before the header.
    assert.ok(await page.evaluate(() => {
      const banner = document.querySelector('[data-testid="alarm-banner"]');
      return banner.getBoundingClientRect().bottom <= document.querySelector("header").getBoundingClientRect().top + 1;
    }), "the banner is not above the header");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `scrollWidth ${width} with the banner`);
    await screenshot(page, "alarm-banner-phone");
    await axeCheck(page, "the board with the alarm banner on a phone");

    const focusedAlert = () => page.evaluate(() =>
      document.activeElement?.dataset.testid === "ack-note" ? document.activeElement.closest('[data-testid="alert"]').dataset.alertId : null);
    await items.nth(1).locator('[data-testid="alarm-goto"]').click();
    await until(async () => (await focusedAlert()) === support, 3000, "the need-support card's ack-note has no focus");

    // From another view: the Alerts view, on the SOS's card.
    await tid(page, "nav-shifts").click();
    await visible(tid(page, "view-shifts"), "view-shifts");
    await visible(banner, "alarm-banner on the Shifts view");
    await items.first().locator('[data-testid="alarm-goto"]').click();
    await visible(tid(page, "view-alerts"), "view-alerts after alarm-goto");
    await until(async () => (await focusedAlert()) === sos.id, 3000, "the SOS card's ack-note has no focus");

    // "Sound off" by the lead's choice (in the phone's header menu): the banner says so.
    await tid(page, "header-menu").click();
    const toggle = page.locator('header [data-testid="sound-toggle"]');
    await toggle.click();
    assert.equal(await toggle.getAttribute("aria-pressed"), "false");
    const notice = banner.locator('[data-testid="alarm-sound"]');
    await visible(notice, "alarm-sound with sound off");
    assert.match(await notice.innerText(), /Sound is off: this alarm makes no sound/);
    const silenced = (await plays(page)).length;
    await new Promise((r) => setTimeout(r, URGENT_REPEAT_MS + 500));
    assert.equal((await plays(page)).length, silenced, "the siren played with sound off");
    await notice.locator('[data-testid="alarm-sound-on"]').click();
    await gone(notice, "alarm-sound once sound is on again");
    await until(async () => (await plays(page)).length > silenced, 3000, "no siren after turning sound on again");

    await world.coord.request("acknowledgeAlert", { alertId: support, note: "" });
    await gone(banner.locator(`[data-testid="alarm-item"][data-alert-id="${support}"]`), "the acknowledged need-support", 5000);
    assert.equal(await items.count(), 1);
    await resolveAll(world, [sos.id, support]);
    await gone(banner, "alarm-banner once both were resolved", 5000);
  }, { viewport: PHONE, initScripts: [AUDIO_HOOK] });
});

// A real overdue alert, raised by the server's watchdog: the patrol's timer is turned back in
// the database (harness silenceInDatabase), as the shortest interval would take minutes.
test("an overdue patrol: its own shorter sound, more slowly, no banner; the title says so", async () => {
  const { server, world } = ctx;
  const a = await world.volunteer("vol-alarm-late-a");
  const b = await world.volunteer("vol-alarm-late-b");
  const code = await world.invite("lead");
  const second = await world.lead("lead-alarm-late-second");
  await withPage(ctx.browser, server, "alarm-overdue", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-alarm-overdue" });
    const { patrolId } = await world.startPatrol(a, [b]);
    await visible(page.locator(`[data-testid="patrol"][data-patrol-id="${patrolId}"]`), "the patrol's card");
    silenceInDatabase(server, patrolId, 40, 1200, GRACE_S);
    const card = tid(page, "alerts-panel").locator('[data-testid="alert"][data-kind="OVERDUE"]');
    await visible(card, "the watchdog's overdue alert", 10000);
    const id = await card.getAttribute("data-alert-id");
    await until(async () => (await plays(page)).length >= 1, 3000, "no sound for the overdue patrol");
    assert.deepEqual((await plays(page)).map((p) => p.kind), ["overdue"]);
    assert.match(await page.title(), /^(⚠|⭕) Overdue · \(1\) gadehold$/);
    assert.match(await favicon(page), /^data:image\/png;base64,/);
    assert.equal(await tid(page, "alarm-banner").isVisible(), false, "the banner shows for an overdue patrol");
    // Not again within the SOS's repeat period.
    await new Promise((r) => setTimeout(r, URGENT_REPEAT_MS + 1000));
    assert.equal((await plays(page)).length, 1, "the overdue sound repeats as fast as an SOS");

    await second.request("acknowledgeAlert", { alertId: id, note: "calling them" });
    await until(async () => (await page.title()) === "gadehold", 5000, "the title after the acknowledgement");
    assert.equal(await favicon(page), "/favicon.ico");
    await resolveAll(world, [id]);
    await gone(card, "the resolved overdue alert", 5000);
  }, { initScripts: [AUDIO_HOOK] });
});

test("a lead walking a patrol hears their team's SOS, not their own patrol's; the banner leads back", async () => {
  const { server, world } = ctx;
  const { a, patrolId } = await sosOnPatrol(world, "vol-alarm-walk");
  const partner = await world.volunteer("vol-alarm-walk-partner");
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "alarm-patrolling", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-alarm-walk" });
    await (await headerTool(page, "mode-volunteer")).click();
    await visible(tid(page, "volunteer-shell"), "the volunteer's views");
    const teams = await world.coord.request("listTeams", {}, "teamList");
    const me = teams.teams.flatMap((team) => team.members).find((m) => m.handle === "lead-alarm-walk").volunteerId;
    // The lead's own patrol, with a partner who raises an SOS: the lead is there.
    const own = await partner.request("startPatrol", { clientId: newClientId(), areaId: world.areaId, memberIds: [me],
      checkinIntervalS: 1200, startedAtMs: Date.now() });
    const ownSos = await partner.request("raiseSos", { clientId: newClientId(), patrolId: own.id });
    // Another patrol of the team: the lead must hear it on patrol too.
    const sos = await a.request("raiseSos", { clientId: newClientId(), patrolId });
    const banner = tid(page, "alarm-banner");
    await visible(banner.locator(`[data-testid="alarm-item"][data-alert-id="${sos.id}"]`), "the team's SOS in the banner", 5000);
    assert.equal(await banner.locator(`[data-alert-id="${ownSos.id}"]`).count(), 0, "the lead's own patrol's SOS in the banner");
    await until(async () => (await plays(page)).some((p) => p.kind === "sos"), 3000, "no siren for the team's SOS on patrol");
    await world.coord.request("acknowledgeAlert", { alertId: sos.id, note: "on my way" });
    await gone(banner.locator(`[data-alert-id="${sos.id}"]`), "the team's SOS after it was acknowledged", 5000);
    const quiet = (await plays(page)).length;
    await new Promise((r) => setTimeout(r, URGENT_REPEAT_MS + 500));
    assert.equal((await plays(page)).length, quiet, "a siren for the lead's own patrol's SOS");

    // A new SOS: its button takes the lead back to the dashboard, at the alert's card.
    const third = await a.request("raiseSos", { clientId: newClientId(), patrolId, message: "second call" });
    await visible(banner.locator(`[data-testid="alarm-item"][data-alert-id="${third.id}"]`), "the next SOS in the banner", 5000);
    await banner.locator(`[data-testid="alarm-goto"][data-alert-id="${third.id}"]`).click();
    await gone(tid(page, "volunteer-shell"), "the volunteer's views after 'Go to the alert'", 5000);
    const card = page.locator(`#main [data-testid="alert"][data-alert-id="${third.id}"]`);
    await visible(card, "the SOS's card on the dashboard");
    assert.equal(await card.locator('[data-testid="ack-note"]').evaluate((el) => el === document.activeElement), true,
      "the focus is not on the SOS's acknowledgement note");
    await resolveAll(world, [sos.id, ownSos.id, third.id]);
  }, { initScripts: [AUDIO_HOOK] });
});

// A busy night (outside review, issue 29): 6 SOS and a call for support. On a phone the
// banner shows 2 (SOS first) and "+5 more alarms: see Alerts", and leaves the header on the
// first screen; the offline banner comes before it. Switching to Danish announces nothing
// again. On a laptop it shows 3 and stays at the top of the viewport while the page scrolls.
// A card with an SOS and need support is SOS red.
test("7 alarms: a compact banner on a phone, '+N more' to Alerts; sticky on a laptop", async () => {
  const { server, world } = ctx;
  const vols = [];
  for (let i = 0; i < 6; i++) vols.push(await world.volunteer(`vol-alarm-many-${i}`));
  const patrols = [];
  for (const v of vols) patrols.push((await world.startPatrol(v)).patrolId);
  const ids = [];
  // The call for support first, on a patrol that raises an SOS too: still SOS first.
  await world.checkIn(vols[0], patrols[0], "need_support");
  for (let i = 0; i < 6; i++) ids.push((await vols[i].request("raiseSos", { clientId: newClientId(), patrolId: patrols[i] })).id);
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "alarm-many-end", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-alarm-many" });
    // A reload with no tap since: the browser blocks the sound (BLOCKED_AUDIO).
    await page.reload();
    const banner = tid(page, "alarm-banner");
    const more = banner.locator('[data-testid="alarm-more"]');
    await visible(more, "alarm-more with 7 alarms", 5000);
    const items = banner.locator('[data-testid="alarm-item"]');
    assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.dataset.kind)), ["SOS", "SOS"], "2 alarms on a phone");
    assert.equal(await more.innerText(), "+5 more alarms: see Alerts");
    const box = await banner.boundingBox();
    assert.ok(box.height <= 200, `the banner is ${box.height} px tall with 7 alarms`);
    const conn = page.locator('header [data-testid="conn-state"]');
    const connBox = await conn.boundingBox();
    assert.ok(connBox && connBox.y >= 0 && connBox.y + connBox.height <= PHONE.height,
      `the header's connection state at y=${connBox?.y} is not on the first screen`);
    const menuBox = await tid(page, "header-menu").boundingBox();
    assert.ok(menuBox && menuBox.y + menuBox.height <= PHONE.height, `the header's Menu at y=${menuBox?.y}`);
    // Audio blocked (no tap yet): the header's large "enable" control is on the first screen
    // too, right under the banner (which does not repeat it on a phone).
    const enable = await page.locator('header [data-testid="sound-enable"]').boundingBox({ timeout: 3000 });
    assert.ok(enable && enable.y + enable.height <= PHONE.height, `the header's sound-enable at y=${enable?.y}`);
    for (const item of await items.all()) {
      const h = (await item.boundingBox()).height;
      assert.ok(h <= 64, `an alarm line ${h} px tall (more than two lines)`);
    }
    // The offline banner comes first: never pushed down by the alarms.
    assert.ok(await page.evaluate(() => {
      const off = document.querySelector('[data-testid="offline-banner"]');
      const alarm = document.querySelector('[data-testid="alarm-banner"]');
      return off.compareDocumentPosition(alarm) === Node.DOCUMENT_POSITION_FOLLOWING;
    }), "offline-banner is not before alarm-banner");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `scrollWidth ${width} with 7 alarms`);
    // A patrol with an open SOS and need support: the SOS colour, the SOS label.
    const card = page.locator(`[data-testid="patrol"][data-patrol-id="${patrols[0]}"]`);
    await visible(card, "the SOS + need-support patrol's card");
    assert.match(await card.getAttribute("class"), /has-sos/);
    assert.doesNotMatch(await card.getAttribute("class"), /status-need-support/);
    await screenshot(page, "alarm-many-phone");
    await more.click();
    await visible(tid(page, "view-alerts"), "view-alerts after alarm-more");
    // Said once: nothing is announced again when the page is drawn in Danish.
    const said = () => page.evaluate(() => window.__e2eSaid);
    const before = await said();
    assert.ok(before.some((text) => /SOS/.test(text)), "the alarms were never announced");
    await tid(page, "header-menu").click();
    await tid(page, "lang").selectOption("da");
    await visible(page.locator('[data-testid="alarm-more"]', { hasText: "+5 alarmer mere: se Alarmer" }), "alarm-more in Danish");
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await said(), before, "the alarms were announced again after the language switch");

    // On a laptop: 3 alarms, and the banner stays at the top while the page scrolls.
    await page.setViewportSize(DESKTOP);
    await until(async () => (await items.count()) === 3, 3000, "not 3 alarms on a laptop");
    assert.equal(await more.innerText(), "+4 alarmer mere: se Alarmer");
    // Room to scroll, whatever the view's height.
    await page.evaluate(() => document.getElementById("main").style.setProperty("min-height", "3000px"));
    await page.evaluate(() => window.scrollTo(0, 400));
    await until(async () => (await page.evaluate(() => window.scrollY)) === 400, 2000, "the page did not scroll 400 px");
    const top = await banner.evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(Math.abs(top) <= 1, `the banner's top is ${top} after scrolling 400 px`);
    await screenshot(page, "alarm-sticky-laptop");
  }, { viewport: PHONE, initScripts: [BLOCKED_AUDIO, ANNOUNCE_HOOK] });
  await resolveAll(world, ids);
});
