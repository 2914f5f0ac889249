// One order of urgency (issue 29, problem 2): with a flood of planning alerts (understaffed
// shifts, small patrols) raised first, the board lists SOS, need support, overdue in the
// urgent list and the planning ones only in their own panel; the patrol cards, across all
// areas, start with the patrols in trouble. Acknowledged is not gone: who handles an alert
// shows on it and on its patrol's card. Tonight's log on the Alerts view lists the evening
// with every handle and note, updates live when another lead resolves an alert, and is
// still whole after a reload; its planning alerts are folded into one collapsed group at the
// end, each naming its shift, and a link at the top of the Alerts view jumps to it. The
// header, the Alerts tab and the title count only the urgent alerts nobody has taken on
// (outsider review). An alert of a kind the page does not know is labelled "Alert", urgent
// and counted; offline, a card's status says it is the last known one.
// Screenshots board-urgency-desktop.png, board-urgency-phone.png, urgency-log-jump-phone.png.
import assert from "node:assert/strict";
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import {
  OFFLINE_CONSOLE, PHONE, axeCheck, geohashCentre, gone, newClientId, openView, screenshot, setup, signIn,
  silenceInDatabase, tid, visible, withPage,
} from "./harness.mjs";

const ctx = setup();
const GRACE_S = 300; // the server's default overdue grace
const CLOCK = "\\d{2}[:.]\\d{2}";

// What the header's count, the Alerts tab's badge and the title say.
const counts = (page) => page.evaluate(() => ({
  header: document.querySelector('[data-testid="header-alerts"] .count')?.textContent ?? "",
  tab: document.querySelector('[data-testid="alert-count"]')?.textContent ?? "",
  title: document.title,
}));
async function countsAre(page, n, what) {
  await until(async () => {
    const c = await counts(page);
    return (c.header === String(n) && c.tab === String(n) && c.title.endsWith(`(${n}) gadehold`)) || c;
  }, 5000, what);
}

const ids = (locator, attr) => locator.evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), attr);

async function until(fn, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} (last: ${JSON.stringify(last)})`);
}


// The evening, made once for both tests through the real protocol: planning alerts first
// (so that "oldest first" alone would put them above the overdue patrol), then the patrols.
let evening = null;
function prepareEvening() {
  evening ??= (async () => {
    const { world } = ctx;
    const coord = world.coord;
    // A lead of the team hears every alert (the coordinator not an overdue one before it escalates).
    const watcher = await world.lead("lead-watch");
    // A second area, alphabetically last: the patrol needing support walks there.
    const quayId = (await coord.request("createArea", { name: "Zealand Quay", geohashPrefixes: ["u3bu"] })).id;
    const shiftIds = [];
    for (let i = 0; i < 4; i++) {
      const startsAtMs = Date.now() + (3 + i) * 3600_000;
      shiftIds.push((await coord.request("createShift", {
        clientId: newClientId(), teamId: world.teamId, areaId: world.areaId, startsAtMs, endsAtMs: startsAtMs + 3 * 3600_000,
        minVolunteers: 2, maxVolunteers: 4, title: `Late round ${i + 1}`,
      })).id);
    }
    // Wait until a lead has every alert, and learn their ids.
    const raised = (kind) => watcher.events.filter((e) => e.kind === "alertRaised" && e.alertRaised.kind === kind)
      .map((e) => e.alertRaised);
    const K = world.v1.AlertKind;
    // The understaffed shifts' alerts first: older than every patrol's.
    await until(() => new Set(raised(K.ALERT_KIND_UNDERSTAFFED).map((a) => a.alertId)).size === 4, 10000,
      "four understaffed alerts");
    const v = [];
    for (const name of ["solo-a", "solo-b", "ok-a", "ok-b", "late-a", "late-b", "help-a", "help-b", "sos-a", "sos-b"]) {
      v.push(await world.volunteer(`vol-${name}`));
    }
    const [soloA, soloB, okA, okB, lateA, lateB, helpA, helpB, sosA, sosB] = v;
    const now = Date.now();
    const patrols = {};
    const start = async (key, by, others, intervalS, startedAtMs = Date.now(), areaId = world.areaId) => {
      const ack = await by.request("startPatrol", {
        clientId: newClientId(), areaId, memberIds: others.map((o) => o.welcome.volunteerId), checkinIntervalS: intervalS,
        startedAtMs,
      });
      patrols[key] = { id: ack.id, dueAt: startedAtMs + (intervalS + GRACE_S) * 1000 };
    };
    // Alone: small-patrol alerts, on time.
    await start("soloA", soloA, [], 1500);
    await start("soloB", soloB, [], 1800);
    await start("ok", okA, [okB], 900);
    // Started 40 minutes ago with a 10-minute interval, and silent since: overdue.
    await start("late", lateA, [lateB], 600, now - 40 * 60_000);
    patrols.late.dueAt = silenceInDatabase(ctx.server, patrols.late.id, 40, 600, GRACE_S);
    await start("help", helpA, [helpB], 1200, Date.now(), quayId);
    const S = world.v1.CheckInStatus;
    await helpA.request("checkIn", { clientId: newClientId(), patrolId: patrols.help.id, atMs: Date.now(),
      location: geohashCentre("u3bu"), status: S.CHECK_IN_STATUS_NEED_SUPPORT });
    patrols.help.dueAt = Date.now() + (1200 + GRACE_S) * 1000;
    await start("sos", sosA, [sosB], 1200);
    const sos = await sosA.request("raiseSos", { clientId: newClientId(), patrolId: patrols.sos.id, message: "trouble by the bins" });

    const counts = () => ["UNDERSTAFFED", "SMALL_PATROL", "OVERDUE", "NEED_SUPPORT"]
      .map((k) => new Set(raised(K[`ALERT_KIND_${k}`]).map((a) => a.alertId)).size);
    await until(() => JSON.stringify(counts()) === "[4,2,1,1]" || counts(), 10000,
      "the server did not raise every alert (understaffed, small patrol, overdue, need support)");
    const one = (kind) => raised(kind)[0].alertId;
    const raisedAt = new Map(watcher.events.filter((e) => e.kind === "alertRaised")
      .map((e) => [e.alertRaised.alertId, Number(e.alertRaised.raisedAtMs)]));
    return {
      raisedAt,
      patrols, shiftIds, helpA, quayId,
      alerts: {
        sos: sos.id, help: one(K.ALERT_KIND_NEED_SUPPORT), late: one(K.ALERT_KIND_OVERDUE),
        planning: [...new Set([...raised(K.ALERT_KIND_UNDERSTAFFED), ...raised(K.ALERT_KIND_SMALL_PATROL)].map((a) => a.alertId))],
      },
    };
  })();
  return evening;
}

test("the board: SOS > need support > overdue, planning apart; cards by urgency; handled by; tonight's log", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  const other = await world.lead("lead-two");
  const e = await prepareEvening();
  await withPage(ctx.browser, server, "alerts-urgency-log", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-urgency" });
    const urgent = tid(page, "alerts-urgent");
    const planning = tid(page, "alerts-planning");
    await visible(urgent.locator(`[data-testid="alert"][data-alert-id="${e.alerts.late}"]`), "the overdue alert", 5000);
    await until(async () => (await planning.locator('[data-testid="alert"]').count()) === 6, 5000,
      "six planning alerts in alerts-planning");

    // The urgent list: exactly SOS, need support, overdue, in that order, on the board's alerts panel.
    assert.deepEqual(await ids(tid(page, "alerts-panel").locator('[data-testid="alerts-urgent"] [data-testid="alert"]'), "data-kind"),
      ["SOS", "NEED_SUPPORT", "OVERDUE"], "the urgent list's order");
    assert.deepEqual(await ids(urgent.locator('[data-testid="alert"]'), "data-alert-id"),
      [e.alerts.sos, e.alerts.help, e.alerts.late]);
    // The planning alerts in the planning panel only, those of shifts naming their shift.
    assert.deepEqual((await ids(planning.locator('[data-testid="alert"]'), "data-alert-id")).sort(), [...e.alerts.planning].sort());
    assert.deepEqual((await ids(planning.locator('[data-testid="alert"][data-kind="UNDERSTAFFED"]'), "data-shift-id")).sort(),
      [...e.shiftIds].sort(), "data-shift-id of the understaffed alerts");
    assert.equal(await urgent.locator('[data-kind="UNDERSTAFFED"], [data-kind="SMALL_PATROL"]').count(), 0,
      "a planning alert in the urgent list");
    assert.equal((await tid(page, "alerts-planning-count").innerText()).trim(), "6");
    // Counted: the three urgent alerts nobody has taken on, not the six planning ones.
    await countsAre(page, 3, "the header, the Alerts tab and the title count the 3 urgent alerts only");
    // On the screen: the overdue alert above every planning alert.
    const lateBox = await urgent.locator(`[data-alert-id="${e.alerts.late}"]`).boundingBox();
    const planningBox = await planning.boundingBox();
    assert.ok(lateBox.y + lateBox.height <= planningBox.y, `the overdue alert (y ${lateBox.y}) is not above the planning panel (y ${planningBox.y})`);

    // The patrol cards: SOS, need support (in the area last by name), overdue, then the least time left.
    const p = e.patrols;
    const restByDue = ["soloA", "soloB", "ok"].sort((a, b) => p[a].dueAt - p[b].dueAt).map((k) => p[k].id);
    await until(async () => JSON.stringify(await ids(page.locator('[data-testid="patrol"]'), "data-patrol-id")) ===
      JSON.stringify([p.sos.id, p.help.id, p.late.id, ...restByDue]), 5000, "the patrol cards in order of urgency");
    const cards = page.locator('[data-testid="patrol"]');
    assert.deepEqual(await ids(cards, "data-status"), ["ok", "need-support", "overdue", "ok", "ok", "ok"]);
    // The SOS patrol's card says SOS, not what its last check-in said.
    const sosCard = cards.first();
    assert.equal(await sosCard.getAttribute("data-sos"), "true");
    assert.equal((await sosCard.locator('[data-testid="patrol-sos"]').innerText()).trim(), "SOS from vol-sos-a");
    assert.equal((await sosCard.locator(".state").innerText()).trim(), "SOS");
    assert.equal(await page.locator('[data-testid="patrol"][data-sos]').count(), 1, "an SOS badge on a patrol without an SOS");
    const helpCard = page.locator(`[data-testid="patrol"][data-patrol-id="${p.help.id}"]`);
    assert.equal((await helpCard.locator('[data-testid="patrol-area"]').innerText()).trim(), "Zealand Quay");
    assert.equal((await cards.nth(3).locator('[data-testid="patrol-area"]').innerText()).trim(), world.areaName);
    assert.equal(await page.locator('[data-testid="area-group"]').count(), 0, "patrols are still grouped by area");

    // Acknowledged is not gone: the lead takes the overdue patrol on.
    const lateAlert = urgent.locator(`[data-testid="alert"][data-alert-id="${e.alerts.late}"]`);
    await lateAlert.locator('[data-testid="ack-note"]').fill("calling them now");
    await lateAlert.locator('[data-testid="ack-submit"]').click();
    await visible(lateAlert.locator('[data-testid="acked-by"]', { hasText: "Handled by lead-urgency: calling them now" }),
      "handled by on the overdue alert", 5000);
    assert.equal(await lateAlert.getAttribute("data-state"), "ACKNOWLEDGED");
    await countsAre(page, 2, "the counts after the overdue alert was acknowledged");
    const lateCard = page.locator(`[data-testid="patrol"][data-patrol-id="${p.late.id}"]`);
    await visible(lateCard.locator('[data-testid="patrol-handled"]', { hasText: "Handled by lead-urgency: calling them now" }),
      "handled by on the overdue patrol's card", 5000);
    assert.match(await lateCard.locator('[data-testid="patrol-handled"]').innerText(), /^Overdue · .* · since \d\d:\d\d$/);
    assert.equal(await page.locator('[data-testid="patrol-handled"]').count(), 1, "handled by on a card whose alerts nobody has taken on");
    assert.deepEqual(await ids(urgent.locator('[data-testid="alert"]'), "data-kind"), ["SOS", "NEED_SUPPORT", "OVERDUE"],
      "acknowledging reordered the urgent list");
    await screenshot(page, "board-urgency-desktop");
    await axeCheck(page, "the board with urgent and planning alerts");

    // Tonight's log on the Alerts view: newest first.
    await openView(page, "nav-alerts", "view-alerts");
    const log = tid(page, "evening-log");
    await visible(log, "evening-log");
    const logIds = await ids(log.locator('[data-testid="log-item"]'), "data-alert-id");
    assert.deepEqual([...logIds].sort(), [e.alerts.sos, e.alerts.help, e.alerts.late, ...e.alerts.planning].sort(),
      "every alert of the evening in the log, once");
    // The urgent ones as they are, newest first; the planning ones in one collapsed group at the end.
    const urgentLog = await ids(tid(page, "log-urgent").locator('[data-testid="log-item"]'), "data-alert-id");
    assert.deepEqual([...urgentLog].sort(), [e.alerts.sos, e.alerts.help, e.alerts.late].sort(), "the log's urgent entries");
    const group = tid(page, "log-planning");
    const planningLog = await ids(group.locator('[data-testid="log-item"]'), "data-alert-id");
    assert.deepEqual([...planningLog].sort(), [...e.alerts.planning].sort(), "the log's planning group");
    for (const list of [urgentLog, planningLog]) {
      const times = list.map((id) => e.raisedAt.get(id));
      assert.ok(times.every((at, i) => i === 0 || times[i - 1] >= at), `the log is not newest first: ${times.join(", ")}`);
    }
    assert.deepEqual(logIds, [...urgentLog, ...planningLog], "the planning group is not after the urgent entries");
    assert.equal(await group.getAttribute("open"), null, "the log's planning group is open from the start");
    assert.equal((await tid(page, "log-planning-summary").innerText()).trim(), "Planning alerts (6)");
    assert.equal(await group.locator('[data-testid="log-item"]').first().isVisible(), false, "a planning entry in sight while folded");
    // Each understaffed entry names its shift.
    const shiftLinks = group.locator('[data-testid="log-item"][data-kind="UNDERSTAFFED"] [data-testid="alert-shift"]');
    assert.deepEqual((await ids(shiftLinks, "data-shift-id")).sort(), [...e.shiftIds].sort(), "the shifts the log's entries name");
    await tid(page, "log-planning-summary").click();
    await visible(shiftLinks.first(), "an understaffed entry after opening the group");
    for (const text of await shiftLinks.allInnerTexts()) {
      assert.match(text, new RegExp(`^\\w+ ${CLOCK}(–${CLOCK})?, .+: \\d+ of 2 signed up$`), "an understaffed entry's shift");
    }
    const logItem = (id) => log.locator(`[data-testid="log-item"][data-alert-id="${id}"]`);
    assert.match(await logItem(e.alerts.late).locator('[data-testid="log-acked"]').innerText(),
      /^Acknowledged by lead-urgency at \d\d:\d\d: calling them now$/);
    assert.match(await logItem(e.alerts.sos).innerText(), /raised at \d\d:\d\d by vol-sos-a/);

    // The lead acknowledges the SOS here; another lead resolves it: the log follows live.
    const sosAlert = tid(page, "view-alerts").locator(`[data-testid="alert"][data-alert-id="${e.alerts.sos}"]`);
    await sosAlert.locator('[data-testid="ack-note"]').fill("driving there");
    await sosAlert.locator('[data-testid="ack-submit"]').click();
    await visible(logItem(e.alerts.sos).locator('[data-testid="log-acked"]', { hasText: "lead-urgency" }), "the SOS acknowledged in the log", 5000);
    assert.match(await logItem(e.alerts.sos).locator('[data-testid="log-open"]').innerText(), /Not resolved yet/);
    await other.request("resolveAlert", { clientId: newClientId(), alertId: e.alerts.sos, note: "home safe" });
    await visible(log.locator(`[data-testid="log-item"][data-alert-id="${e.alerts.sos}"][data-state="RESOLVED"]`),
      "the SOS resolved by lead-two, live in the log", 5000);
    const sosLog = async () => ({
      acked: await logItem(e.alerts.sos).locator('[data-testid="log-acked"]').innerText(),
      resolved: await logItem(e.alerts.sos).locator('[data-testid="log-resolved"]').innerText(),
    });
    const checkSos = (got) => {
      assert.match(got.acked, /^Acknowledged by lead-urgency at \d\d:\d\d: driving there$/);
      assert.match(got.resolved, /^Resolved by lead-two at \d\d:\d\d: home safe$/);
    };
    checkSos(await sosLog());
    await axeCheck(page, "the Alerts view with tonight's log");
    await until(async () => (await tid(page, "alerts-urgent").locator(`[data-alert-id="${e.alerts.sos}"]`).count()) === 0,
      5000, "the resolved SOS is still among the open alerts");

    // The server resolves the call for support (an OK check-in): its reason, not a blank.
    await e.helpA.request("checkIn", { clientId: newClientId(), patrolId: p.help.id, atMs: Date.now(),
      location: geohashCentre("u3bu"), status: world.v1.CheckInStatus.CHECK_IN_STATUS_OK });
    await visible(log.locator(`[data-testid="log-item"][data-alert-id="${e.alerts.help}"][data-state="RESOLVED"]`),
      "the need-support alert resolved by the server, live in the log", 5000);
    const serverLine = await logItem(e.alerts.help).locator('[data-testid="log-resolved"]').innerText();
    assert.match(serverLine, /^Closed automatically at \d\d:\d\d: \S.*/, "the server's resolution in the log");
    // What is still open heads the log, above newer resolved alerts (a flood of those never buries it).
    const urgentNow = tid(page, "log-urgent").locator('[data-testid="log-item"]');
    assert.deepEqual(await ids(urgentNow, "data-alert-id"), [e.alerts.late, e.alerts.sos, e.alerts.help],
      "the open overdue alert is not above the newer resolved ones");

    // After a reload the log is whole again (ListAlerts with the evening's resolved ones).
    await page.reload();
    await openView(page, "nav-alerts", "view-alerts");
    await visible(log.locator(`[data-testid="log-item"][data-alert-id="${e.alerts.sos}"][data-state="RESOLVED"]`),
      "the resolved SOS in the log after a reload", 5000);
    checkSos(await sosLog());
    assert.equal(await logItem(e.alerts.help).getAttribute("data-state"), "RESOLVED");
  });
});

test("on a 360 px phone: urgent alerts, then the patrols, then planning; no sideways scrolling", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  const e = await prepareEvening();
  await withPage(ctx.browser, server, "board-urgency-phone", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-urgency-phone" });
    const urgent = tid(page, "alerts-urgent");
    await visible(urgent.locator(`[data-testid="alert"][data-alert-id="${e.alerts.late}"]`), "the overdue alert", 5000);
    await visible(tid(page, "alerts-planning").locator('[data-testid="alert"]'), "the planning alerts", 5000);
    const lateCard = page.locator(`[data-testid="patrol"][data-patrol-id="${e.patrols.late.id}"]`);
    await visible(lateCard, "the overdue patrol's card");
    const y = async (locator) => (await locator.boundingBox()).y;
    const urgentY = await y(urgent);
    const firstCardY = await y(page.locator('[data-testid="patrol"]').first());
    const planningY = await y(tid(page, "alerts-planning"));
    assert.ok(urgentY < firstCardY && firstCardY < planningY,
      `order on the phone: urgent ${urgentY}, first patrol ${firstCardY}, planning ${planningY}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `scrollWidth ${width} > ${PHONE.width}`);
  }, { viewport: PHONE });
});

test("on a phone: an alert of an unknown kind, the jump to tonight's log, the cards' last known status offline", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  const e = await prepareEvening();
  // An SOS that a newer server's kind (99) replaces in the database: the page does not know it.
  const [a, b] = [await world.volunteer("vol-new-a"), await world.volunteer("vol-new-b")];
  const { patrolId } = await world.startPatrol(a, [b]);
  const unknownId = (await a.request("raiseSos", { clientId: newClientId(), patrolId, message: "" })).id;
  execFileSync("sqlite3", ["-cmd", ".timeout 5000", server.db,
    `UPDATE alerts SET kind = 99 WHERE id = '${unknownId.replace(/'/g, "")}'`]);
  await withPage(ctx.browser, server, "urgency-log-phone", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-urgency-log" });
    const urgent = tid(page, "alerts-urgent");
    const unknown = urgent.locator(`[data-testid="alert"][data-alert-id="${unknownId}"]`);
    await visible(unknown, "the alert of an unknown kind among the urgent ones", 5000);
    assert.equal(await unknown.getAttribute("data-kind"), "UNKNOWN");
    assert.equal((await unknown.locator(".kind").innerText()).trim(), "Alert", "the unknown kind's label");
    assert.match(await unknown.innerText(), /^This page does not know this kind of alert yet/m);
    await visible(tid(page, "alerts-planning").locator('[data-testid="alert"]'), "the planning alerts", 5000);
    // Counted: the urgent alerts nobody has taken on (the unknown one among them), no planning one.
    const open = await urgent.locator('[data-testid="alert"]:not([data-state="ACKNOWLEDGED"])').count();
    assert.ok(open >= 1);
    assert.ok((await tid(page, "alerts-planning").locator('[data-testid="alert"]').count()) >= e.alerts.planning.length);
    await countsAre(page, open, `the counts (${open} urgent alerts open)`);
    // The alarm's title names it "Alert", never "Overdue".
    await until(async () => /^\S+ Alert · /.test(await page.title()) || page.title(), 5000, "the title names the unknown alert");

    // The Alerts view: "Tonight's log" at the top jumps to the log, far below on a phone.
    await tid(page, "header-alerts").click();
    await visible(tid(page, "view-alerts"), "view-alerts");
    const heading = tid(page, "evening-log").locator("h2");
    const jump = tid(page, "log-jump");
    await visible(jump, "log-jump");
    assert.ok((await jump.boundingBox()).y < PHONE.height, "the jump link is not at the top of the Alerts view");
    const headingY = () => heading.evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(await headingY() > PHONE.height, "tonight's log is in sight before the jump: nothing to test");
    await jump.click();
    await until(async () => { const y = await headingY(); return (y >= 0 && y < PHONE.height / 2) || y; }, 3000,
      "tonight's log's heading near the top after the jump");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "log-h", "focus after the jump");
    assert.equal(await tid(page, "log-planning").getAttribute("open"), null);
    await screenshot(page, "urgency-log-jump-phone");

    // Offline: the cards' status is the last known one, with the time the connection was lost.
    await page.evaluate(() => document.querySelector('[data-testid="nav-board"]').click());
    await visible(tid(page, "view-board"), "view-board");
    const card = page.locator(`[data-testid="patrol"][data-patrol-id="${e.patrols.ok.id}"]`);
    const state = card.locator('[data-testid="patrol-state"]');
    assert.equal((await state.innerText()).trim(), "On time");
    await server.halt();
    try {
      await visible(tid(page, "offline-banner"), "offline-banner", 10_000);
      await until(async () => new RegExp(`^On time at ${CLOCK} \\(last known\\)$`).test((await state.innerText()).trim()) ||
        state.innerText(), 3000, "the card's status offline");
    } finally {
      await server.resume();
    }
    await gone(tid(page, "offline-banner"), "offline-banner after the restart", 30_000);
    await until(async () => (await state.innerText()).trim() === "On time" || state.innerText(), 5000, "the card's status back online");
  }, { viewport: PHONE, allowConsole: OFFLINE_CONSOLE });
});
