// The volunteer's evening on a phone (360 x 740, touch, the position in Liverpool city
// centre): sign in with an invite, sign up for a shift (and a refused sign-up shown with
// its reason), the calendar link, a patrol with a partner, a check-in that reaches the lead
// as a coarse cell only, a note whose preview shows the scrubbed text, an SOS that a short
// tap does not raise but a 1.5 s hold does, the lead's acknowledgement on the volunteer's
// screen, "I am safe", a message from the lead, the end of the patrol. The lead and the
// partner are protocol clients. Screenshots: <artifacts>/volunteer-<view>.png; axe-core on
// every volunteer view. A lead's switch to the volunteer's views and back.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  LIVERPOOL, MOBILE, PHONE, axeCheck, headerTool, httpGet, isShown, newClientId, screenshot, setup, signIn, sleep, tid, visible, withPage,
} from "./harness.mjs";


function geohash(lat, lon, length) {
  const base32 = "0123456789bcdefghjkmnpqrstuvwxyz";
  const latRange = [-90, 90];
  const lonRange = [-180, 180];
  let even = true;
  let bits = 0;
  let bit = 0;
  let out = "";
  while (out.length < length) {
    const range = even ? lonRange : latRange;
    const value = even ? lon : lat;
    const mid = (range[0] + range[1]) / 2;
    bits <<= 1;
    if (value >= mid) {
      bits |= 1;
      range[0] = mid;
    } else {
      range[1] = mid;
    }
    even = !even;
    if (++bit === 5) {
      out += base32[bits];
      bits = 0;
      bit = 0;
    }
  }
  return out;
}

const HERE = geohash(LIVERPOOL.latitude, LIVERPOOL.longitude, 12);

const ctx = setup({
  prepare: async (c) => {
    const { world } = c;
    // The area the phone's position lies in, so that the check-in lands in it.
    c.liverpoolAreaId = (await world.coord.request("createArea", { name: "Liverpool centre", geohashPrefixes: [HERE.slice(0, 5)] })).id;
    c.lead = await world.lead("lead-vol");
    c.partner = await world.volunteer("vol-partner");
    const now = Date.now();
    const shift = (title, startsAtMs, endsAtMs, maxVolunteers, notes = "") => c.lead.request("createShift", {
      clientId: newClientId(), teamId: world.teamId, areaId: c.liverpoolAreaId, startsAtMs, endsAtMs,
      minVolunteers: 1, maxVolunteers, title, notes,
    });
    // Starts within the hour, so that a patrol may start for it.
    c.eveningId = (await shift("Evening walk", now + 30 * 60_000, now + 3.5 * 3600_000, 3, "Meet at the church steps.")).id;
    c.smallId = (await shift("Small walk", now + 26 * 3600_000, now + 28 * 3600_000, 1)).id;
  },
});

const scrollWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth);

async function noSideways(page, what) {
  const width = await scrollWidth(page);
  assert.ok(width <= PHONE.width, `${what}: document.documentElement.scrollWidth is ${width}, more than 360`);
}

async function openVolunteerView(page, name) {
  await tid(page, `nav-${name}`).click();
  await visible(tid(page, `view-${name}`), `view-${name}`);
  assert.equal(await tid(page, `nav-${name}`).getAttribute("aria-current"), "page");
}

// The SOS button is on screen and nothing covers its middle (a toast, a panel, a dialog);
// every button of the volunteer's views is at least 48 px high.
async function reachable(page, label) {
  const found = await page.evaluate(() => {
    const sos = document.querySelector('[data-testid="sos-button"]');
    if (!sos) return { missing: true };
    const r = sos.getBoundingClientRect();
    const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    const small = [...document.querySelectorAll('[data-testid="volunteer-shell"] button')]
      .filter((b) => b.offsetParent !== null && b.getBoundingClientRect().height < 47.5)
      .map((b) => `${b.dataset.testid || b.textContent.trim()} (${b.getBoundingClientRect().height} px)`);
    return { covered: !(top && sos.contains(top)), offscreen: r.bottom > window.innerHeight || r.top < 0,
      height: r.height, small };
  });
  assert.ok(!found.missing, `${label}: no SOS button`);
  assert.equal(found.covered, false, `${label}: something covers the SOS button`);
  assert.equal(found.offscreen, false, `${label}: the SOS button is off the screen`);
  assert.ok(found.height >= 48, `${label}: the SOS button is ${found.height} px high`);
  assert.deepEqual(found.small, [], `${label}: buttons under 48 px`);
}

// Every volunteer view: a screenshot at 360 px, axe, no sideways scrolling, the SOS button
// reachable.
async function check(page, name, label) {
  await noSideways(page, label);
  await reachable(page, label);
  // From the top: the sticky navigation and the SOS dock where a phone shows them.
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, `volunteer-${name}`);
  await axeCheck(page, label);
}

const entry = (page, kind, state) =>
  page.locator(`[data-testid="outbox-entry"][data-kind="${kind}"]${state ? `[data-state="${state}"]` : ""}`);

function shiftCard(page, list, shiftId) {
  return tid(page, list).locator(`[data-testid="vol-shift"][data-shift-id="${shiftId}"]`);
}

test("a volunteer's evening on a phone, from sign-in to the end of the patrol", async () => {
  const { server, world, lead, partner } = ctx;
  const code = await world.invite("volunteer");
  await withPage(ctx.browser, server, "volunteer-evening", async ({ page }) => {
    // Sign in with the invite: the volunteer's views, not the dashboard.
    await signIn(page, server, { code, handle: "vol-eve", device: "Eve's phone" });
    await visible(tid(page, "view-tonight"), "view-tonight after signing in");
    assert.equal(await isShown(tid(page, "view-board")), false, "a volunteer sees the dashboard's board");
    assert.equal(await tid(page, "mode-dashboard").count(), 0, "a volunteer has a switch to the dashboard");
    const teams = await lead.request("listTeams", {}, "teamList");
    const volId = teams.teams.flatMap((t) => t.members).find((m) => m.handle === "vol-eve").volunteerId;
    const sosButton = tid(page, "sos-button");
    await visible(sosButton, "the SOS button on Tonight");

    // --- Tonight: sign up for a shift; the server has it.
    const evening = shiftCard(page, "open-shifts", ctx.eveningId);
    await visible(evening, "Evening walk among the open shifts");
    assert.equal(await evening.locator('[data-testid="shift-notes"]').innerText(), "Meet at the church steps.",
      "the lead's notes on the shift card");
    await evening.locator('[data-testid="shift-signup"]').click();
    const mine = shiftCard(page, "my-shifts", ctx.eveningId);
    await visible(mine.locator('[data-testid="shift-withdraw"]'), "Evening walk among my shifts, with Withdraw", 5000);
    await visible(entry(page, "signUp", "stored"), "the sign-up stored in the outbox list", 5000);
    const listed = await lead.request("listShifts", { fromMs: Date.now() - 3600_000, toMs: Date.now() + 3 * 86400_000 }, "shiftList");
    assert.ok(listed.shifts.find((s) => s.shiftId === ctx.eveningId).signUps.some((s) => s.volunteerId === volId),
      "the server has the volunteer's sign-up");
    // The list read again after the Ack; then the partner takes the last place of the small
    // shift, which this page does not hear about (shift events go to the volunteer concerned).
    await sleep(1500);
    await partner.request("signUp", { clientId: newClientId(), shiftId: ctx.smallId });

    // --- A refused write: the full shift. The reason shows beside it and in the outbox.
    const small = shiftCard(page, "open-shifts", ctx.smallId);
    await small.locator('[data-testid="shift-signup"]').click();
    const refusal = small.locator('[data-testid="shift-state"][data-state="refused"]');
    await visible(refusal, "the refusal beside the full shift", 5000);
    assert.match(await refusal.innerText(), /Refused:\s*The shift is full \(room for 1\)\./);
    const refusedEntry = entry(page, "signUp", "refused");
    await visible(refusedEntry, "the refused sign-up in the outbox list");
    assert.match(await refusedEntry.locator('[data-testid="outbox-reason"]').innerText(), /The shift is full/);
    assert.equal(await tid(page, "outbox-summary").getAttribute("data-refused"), "1");
    // It stays until dismissed.
    await sleep(500);
    assert.ok(await isShown(refusedEntry), "the refused sign-up went away by itself");

    // --- The calendar feed: a webcal:// link and a copy button.
    await tid(page, "calendar-get").click();
    const url = tid(page, "calendar-url");
    await visible(url, "calendar-url");
    const webcal = await url.inputValue();
    assert.match(webcal, new RegExp(`^webcal://127\\.0\\.0\\.1:${server.port}/v1/calendar/[^/]+\\.ics$`));
    assert.equal(await tid(page, "calendar-link").getAttribute("href"), webcal);
    const feed = await httpGet(webcal.replace(/^webcal:/, "http:"));
    assert.equal(feed.status, 200);
    assert.match(String(feed.body), /SUMMARY:Evening walk/);
    await tid(page, "calendar-copy").click();
    await page.waitForFunction(() => /Copied|selected/.test(document.querySelector('[data-testid="calendar-status"]')?.textContent ?? ""));
    await check(page, "tonight", "view-tonight");
    await refusedEntry.locator('[data-testid="outbox-dismiss"]').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="outbox-entry"][data-state="refused"]'));

    // --- Patrol: start with a partner, for the shift.
    await openVolunteerView(page, "patrol");
    await visible(tid(page, "patrol-start-form"), "patrol-start-form");
    await page.waitForFunction((id) => [...document.querySelectorAll('[data-testid="patrol-shift"] option')].some((o) => o.value === id),
      ctx.eveningId);
    await tid(page, "patrol-shift").selectOption(ctx.eveningId);
    await tid(page, "patrol-area").selectOption(ctx.liverpoolAreaId);
    await page.locator('[data-testid="patrol-partner"][data-handle="vol-partner"]').check();
    await axeCheck(page, "view-patrol, the start form");
    await tid(page, "patrol-start").click();
    const started = await lead.waitForEvent((e) => e.patrolStarted && e.patrolStarted.members.some((m) => m.volunteerId === volId),
      5000, "patrol_started of the volunteer's patrol at the lead");
    const patrolId = started.patrolStarted.patrolId;
    assert.deepEqual(started.patrolStarted.members.map((m) => m.handle).sort(), ["vol-eve", "vol-partner"]);
    assert.equal(started.patrolStarted.shiftId, ctx.eveningId);
    assert.equal(started.patrolStarted.checkinIntervalS, 1200, "the default interval is 20 minutes");
    await visible(page.locator(`[data-testid="on-patrol"][data-patrol-id="${patrolId}"]`), "the patrol on the volunteer's screen", 5000);
    assert.match(await tid(page, "patrol-members").innerText(), /vol-partner/);
    assert.match(await tid(page, "checkin-countdown").innerText(), /^Next check-in in (19|20):\d\d$/);
    assert.match(await tid(page, "position-note").innerText(), /Only a coarse area/);
    const box = await tid(page, "checkin").boundingBox();
    assert.ok(box.height >= 48 && box.width >= 200, `the check-in button is ${box.width} x ${box.height} px`);

    // --- Check in: the lead gets a cell, never the coordinates.
    lead.events.length = 0;
    await tid(page, "checkin").click();
    const checkIn = await lead.waitForEvent((e) => e.checkInRecorded && e.checkInRecorded.volunteerId === volId, 15000,
      "check_in_recorded at the lead");
    const cell = checkIn.checkInRecorded.cell;
    assert.ok(cell.length >= 5 && HERE.startsWith(cell), `the cell ${cell} is not a prefix of ${HERE}`);
    assert.equal(checkIn.checkInRecorded.areaId, ctx.liverpoolAreaId);
    const wire = JSON.stringify(checkIn);
    assert.doesNotMatch(wire, /53\.40|-2\.98|"lat"|"lon"|location/, `the check-in event carries a position: ${wire}`);
    const active = await lead.request("listActivePatrols", {}, "activePatrols");
    const listedPatrol = active.patrols.find((p) => p.patrolId === patrolId);
    assert.equal(listedPatrol.lastCell, cell);
    assert.doesNotMatch(JSON.stringify(listedPatrol), /53\.40|-2\.98/);
    await visible(page.locator('[data-testid="checkin-state"][data-state="stored"]'), "the check-in stored", 5000);
    assert.match(await tid(page, "checkin-countdown").innerText(), /^Next check-in in (19|20):\d\d$/);
    await check(page, "patrol", "view-patrol on patrol");
    await page.emulateMedia({ colorScheme: "dark" });
    await screenshot(page, "volunteer-patrol-dark");
    await axeCheck(page, "view-patrol on patrol, dark");
    await page.emulateMedia({ colorScheme: "light" });

    // --- A note: the preview shows what the server will store.
    await openVolunteerView(page, "note");
    await tid(page, "note-category").selectOption({ label: "Conversation" });
    await tid(page, "note-outcome").selectOption({ label: "Advice given" });
    await tid(page, "note-age").selectOption({ label: "16–17" });
    await tid(page, "note-size").fill("3");
    await tid(page, "note-text").fill("Group by the bus stop, one gave me his number 07700 900123, all calm.");
    await tid(page, "note-preview").click();
    const stored = tid(page, "note-preview-text");
    await visible(stored, "note-preview-text", 5000);
    const previewText = await stored.innerText();
    assert.match(previewText, /\[PHONE\]/);
    assert.doesNotMatch(previewText, /07700/);
    assert.match(await tid(page, "note-preview-removed").innerText(), /phone numbers: 1/);
    await check(page, "note", "view-note with the preview");
    await tid(page, "note-send").click();
    const note = await lead.waitForEvent((e) => e.noteRecorded && e.noteRecorded.volunteerId === volId, 5000,
      "note_recorded at the lead");
    assert.equal(note.noteRecorded.patrolId, patrolId);
    assert.equal(note.noteRecorded.groupSize, 3);
    assert.match(note.noteRecorded.text, /\[PHONE\]/);
    await visible(page.locator('[data-testid="note-state"][data-state="stored"]'), "the note stored", 5000);

    // --- SOS: a short tap and a short key press raise nothing.
    await sosButton.tap();
    await sosButton.focus();
    await page.keyboard.down("Space");
    await sleep(300);
    await page.keyboard.up("Space");
    await sleep(2000);
    assert.equal(lead.events.filter((e) => e.alertRaised && e.alertRaised.raisedBy === volId).length, 0,
      "a short tap or key press raised an alert");
    assert.equal(await entry(page, "raiseSos").count(), 0, "a short tap put an SOS in the outbox");
    assert.equal(await isShown(tid(page, "sos-panel")), false);
    assert.match(await tid(page, "sos-hint").innerText(), /Let go too early/);
    const alerts = await lead.request("listAlerts", {}, "alertList");
    assert.equal(alerts.alerts.filter((a) => a.raisedBy === volId).length, 0, "the server has an alert from a short tap");

    // A finger slid slowly along the bar for 2 s (a resting thumb, a brushing hand): nothing.
    const b = await sosButton.boundingBox();
    const cdp = await page.context().newCDPSession(page);
    const y = b.y + b.height / 2;
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: b.x + 10, y }] });
    for (let i = 1; i <= 20; i++) {
      await sleep(100);
      await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: b.x + 10 + i * ((b.width - 20) / 20), y }] });
    }
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await sleep(500);
    assert.equal(await entry(page, "raiseSos").count(), 0, "a finger sliding along the bar raised an SOS");
    assert.match(await tid(page, "sos-hint").innerText(), /Let go too early/);

    // Held for 1.5 s (a finger, through the DevTools protocol): raised.
    const finger = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [finger] });
    await sleep(600);
    assert.equal(await sosButton.getAttribute("data-holding"), "true", "the button shows the hold in progress");
    await sleep(1100);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await cdp.detach();
    const raised = await lead.waitForEvent((e) => e.alertRaised && e.alertRaised.raisedBy === volId, 5000,
      "the SOS at the lead");
    const sos = raised.alertRaised;
    assert.equal(sos.kind, world.v1.AlertKind.ALERT_KIND_SOS);
    assert.equal(sos.patrolId, patrolId);
    const panel = tid(page, "sos-panel");
    await visible(panel.locator('[data-testid="sos-step-received"][data-done="true"]'), "received by the server", 5000);
    assert.equal(await panel.locator('[data-testid="sos-step-queued"]').getAttribute("data-done"), "true");
    assert.equal(await panel.locator('[data-testid="sos-step-acknowledged"]').getAttribute("data-done"), "false");

    // The lead acknowledges with a note: the volunteer sees who and what.
    await lead.request("acknowledgeAlert", { alertId: sos.alertId, note: "On my way, stay by the fountain" });
    const acked = panel.locator('[data-testid="sos-step-acknowledged"][data-done="true"]');
    await visible(acked, "acknowledged on the volunteer's screen", 5000);
    assert.match(await acked.innerText(), /lead-vol has answered and is on it/);
    assert.equal(await tid(page, "sos-ack-note").innerText(), "On my way, stay by the fountain");
    await openVolunteerView(page, "patrol");
    await check(page, "sos", "the SOS panel, acknowledged");

    // I am safe: resolved, by the volunteer.
    await tid(page, "sos-safe").click();
    await tid(page, "sos-safe-confirm").click();
    const resolved = await lead.waitForEvent((e) => e.alertResolved && e.alertResolved.alertId === sos.alertId, 5000,
      "alert_resolved at the lead");
    assert.equal(resolved.alertResolved.resolvedBy, volId);
    await visible(panel.locator('[data-testid="sos-step-resolved"][data-done="true"]'), "resolved on the screen", 5000);

    // --- A message from the lead: counted on the navigation, read in Messages.
    await lead.request("sendPatrolMessage", { clientId: newClientId(), patrolId, text: "Come back to base when you are done" });
    await visible(tid(page, "messages-count"), "the unread count on Messages", 5000);
    await openVolunteerView(page, "messages");
    await visible(tid(page, "vol-message").filter({ hasText: "Come back to base when you are done" }), "the lead's message");
    assert.match(await tid(page, "vol-message").first().innerText(), /lead-vol/);
    await visible(page.locator(`[data-testid="vol-alert"][data-alert-id="${sos.alertId}"]`), "the SOS among the alerts");
    await check(page, "messages", "view-messages");
    await tid(page, "sos-close").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="sos-panel"]')?.hidden === true);

    // --- This device: the devices, notifications, the language, signing out.
    await openVolunteerView(page, "devices");
    await visible(tid(page, "push-panel"), "push-panel for a volunteer");
    await visible(page.locator('[data-testid="device"][data-current="true"]'), "this device in the list");
    await check(page, "devices", "view-devices of a volunteer");

    // --- End the patrol.
    await openVolunteerView(page, "patrol");
    await tid(page, "patrol-end").click();
    await tid(page, "patrol-end-confirm").click();
    await lead.waitForEvent((e) => e.patrolEnded && e.patrolEnded.patrolId === patrolId, 5000, "patrol_ended at the lead");
    await visible(tid(page, "patrol-start-form"), "the start form after the end", 5000);
    // The patrol_ended event may come before the EndPatrol's Ack: then nothing is waiting.
    await visible(page.locator('[data-testid="outbox-summary"][data-pending="0"]'), "nothing waiting in the outbox", 5000);

    // A tapped notification opens /#patrol: the Patrol view, also on a fresh load.
    await openVolunteerView(page, "tonight");
    await page.goto(`${server.origin}/#patrol`);
    await visible(tid(page, "view-patrol"), "view-patrol after the hash changed to #patrol");
    await page.reload();
    await visible(tid(page, "view-patrol"), "view-patrol on a load of /#patrol", 10000);
  }, { viewport: PHONE, contextOptions: MOBILE });
});

test("an SOS without a patrol, held with the keyboard, reaches the leads; letting go early cancels", async () => {
  const { server, world, lead } = ctx;
  const code = await world.invite("volunteer");
  await withPage(ctx.browser, server, "volunteer-sos-keyboard", async ({ page }) => {
    await signIn(page, server, { code, handle: "vol-keys" });
    await visible(tid(page, "view-tonight"), "view-tonight");
    const teams = await lead.request("listTeams", {}, "teamList");
    const volId = teams.teams.flatMap((t) => t.members).find((m) => m.handle === "vol-keys").volunteerId;
    const button = tid(page, "sos-button");
    await button.focus();
    await page.keyboard.down("Enter");
    await sleep(1000);
    await page.keyboard.up("Enter");
    await sleep(1000);
    assert.equal(await entry(page, "raiseSos").count(), 0, "Enter held for 1 s raised an SOS");
    await page.keyboard.down("Space");
    await sleep(1700);
    await page.keyboard.up("Space");
    const raised = await lead.waitForEvent((e) => e.alertRaised && e.alertRaised.raisedBy === volId, 5000,
      "the SOS at the lead");
    assert.equal(raised.alertRaised.patrolId, "", "an SOS without a patrol names none");
    await visible(tid(page, "sos-panel").locator('[data-testid="sos-step-received"][data-done="true"]'),
      "received by the server", 5000);
    await lead.request("resolveAlert", { clientId: newClientId(), alertId: raised.alertRaised.alertId, note: "" });
    await visible(tid(page, "sos-panel").locator('[data-testid="sos-step-resolved"][data-done="true"]'),
      "resolved by the lead", 5000);
    assert.match(await tid(page, "sos-step-resolved").innerText(), /Resolved by lead-vol/);
  }, { viewport: PHONE, contextOptions: MOBILE });
});

test("Danish: the volunteer's views speak Danish", async () => {
  const { server, world } = ctx;
  const code = await world.invite("volunteer");
  await withPage(ctx.browser, server, "volunteer-danish", async ({ page }) => {
    await signIn(page, server, { code, handle: "vol-dansk" });
    await tid(page, "nav-devices").click();
    await tid(page, "lang").selectOption("da");
    await visible(tid(page, "nav-tonight").filter({ hasText: "I aften" }), "nav-tonight in Danish");
    assert.equal(await page.evaluate(() => document.documentElement.lang), "da");
    await tid(page, "nav-patrol").click();
    assert.match(await tid(page, "patrol-start").innerText(), /Start patruljen/);
    assert.match(await tid(page, "sos-button").innerText(), /SOS – hold inde/);
    await axeCheck(page, "view-patrol in Danish");
  }, { viewport: PHONE, contextOptions: MOBILE });
});

test("a lead switches to the volunteer's views ('I am patrolling') and back", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "volunteer-lead-switch", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-walker" });
    await visible(tid(page, "view-board"), "the lead's board");
    await (await headerTool(page, "mode-volunteer")).click(); // in the header's menu on a phone
    await visible(tid(page, "volunteer-shell"), "the volunteer's views");
    await visible(tid(page, "view-tonight"), "view-tonight");
    await visible(tid(page, "sos-button"), "the SOS button");
    // The choice outlives a reload.
    await page.reload();
    await visible(tid(page, "view-tonight"), "view-tonight after a reload", 10000);
    await tid(page, "mode-dashboard").click();
    await visible(tid(page, "view-board"), "the board again");
    assert.equal(await tid(page, "sos-button").count(), 0, "the dashboard shows the volunteer's SOS button");
  }, { viewport: PHONE, contextOptions: MOBILE });
});
