// Alerts: an SOS shows in the board's alerts panel and in the title; the lead acknowledges
// it with a note, which reaches the coordinator, and it stays, saying who is on it, until
// it is resolved; an alert acknowledged elsewhere shows who, and one resolved elsewhere
// goes away.
import assert from "node:assert/strict";
import { test } from "node:test";
import { gone, newClientId, setup, signIn, tid, visible, withPage } from "./harness.mjs";

const ctx = setup();

async function title(page, expected, what) {
  try {
    await page.waitForFunction((t) => document.title === t, expected, { timeout: 5000 });
  } catch {
    assert.equal(await page.title(), expected, what);
  }
}

async function volunteerIdOf(world, handle) {
  const teams = await world.coord.request("listTeams", {}, "teamList");
  for (const team of teams.teams) for (const m of team.members) if (m.handle === handle) return m.volunteerId;
  throw new Error(`no member ${handle}`);
}

test("an SOS shows on the board and in the title; the lead acknowledges it with a note", async () => {
  const { server, world } = ctx;
  const a = await world.volunteer("vol-sos-a");
  const b = await world.volunteer("vol-sos-b");
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "alerts-sos-ack", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-alerts" });
    const panel = tid(page, "alerts-panel");
    await visible(panel, "alerts-panel on the board");
    await visible(panel.locator('[data-testid="alerts-empty"]'), "alerts-empty in the panel");
    await title(page, "gadehold", "title without open alerts");

    // Two members: no SMALL_PATROL alert, so the SOS is the only one.
    const { patrolId } = await world.startPatrol(a, [b]);
    const sos = await a.request("raiseSos", {
      clientId: newClientId(), patrolId, location: world.where, message: "need help at the square",
    });
    const item = panel.locator(`[data-testid="alert"][data-alert-id="${sos.id}"]`);
    await visible(item, `alert ${sos.id} in alerts-panel`, 5000);
    assert.equal(await item.getAttribute("data-kind"), "SOS");
    // Who pressed it: the one to call, even on a patrol of two.
    assert.equal(await item.locator('[data-testid="alert-raised-by"]').innerText(), "Raised by vol-sos-a");
    // An open SOS: the alarm's blinking marker in front of the count (alarm.test.mjs).
    await title(page, "🔴 SOS · (1) gadehold", "title with one open SOS");
    assert.equal((await tid(page, "nav-alerts").locator('[data-testid="alert-count"]').innerText()).trim(), "1",
      "alert-count on nav-alerts");

    await item.locator('[data-testid="ack-note"]').fill("lead on the way");
    await item.locator('[data-testid="ack-submit"]').click();
    const acked = await world.coord.waitForEvent(
      (e) => e.kind === "alertAcknowledged" && e.alertAcknowledged.alertId === sos.id, 5000,
      "alert_acknowledged for the SOS at the coordinator");
    assert.equal(acked.alertAcknowledged.note, "lead on the way", "the note the coordinator received");
    assert.equal(acked.alertAcknowledged.acknowledgedBy, await volunteerIdOf(world, "lead-alerts"),
      "acknowledged_by is the lead who signed in in the page");
    // Acknowledged is not over: the alert stays, saying who is on it, and the title counts
    // only the alerts nobody has taken on.
    await visible(item.locator('[data-testid="acked-by"]', { hasText: "lead-alerts: lead on the way" }),
      "acked-by with the lead's handle and note", 5000);
    assert.equal(await item.getAttribute("data-state"), "ACKNOWLEDGED");
    await title(page, "gadehold", "title after the acknowledgement");

    await item.locator('[data-testid="resolve-note"]').fill("home safe");
    await item.locator('[data-testid="resolve-submit"]').click();
    const resolved = await world.coord.waitForEvent(
      (e) => e.kind === "alertResolved" && e.alertResolved.alertId === sos.id, 5000,
      "alert_resolved for the SOS at the coordinator");
    assert.equal(resolved.alertResolved.note, "home safe", "the resolve note the coordinator received");
    await gone(item, "the resolved alert", 5000);
    await visible(panel.locator('[data-testid="alerts-empty"]'), "alerts-empty after resolving");
  });
});

test("an alert acknowledged elsewhere shows who; resolved elsewhere, it disappears", async () => {
  const { server, world } = ctx;
  const a = await world.volunteer("vol-sos-c");
  const b = await world.volunteer("vol-sos-d");
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "alerts-acked-elsewhere", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-alerts-two" });
    const { patrolId } = await world.startPatrol(a, [b]);
    const sos = await b.request("raiseSos", { clientId: newClientId(), patrolId });
    const inPanel = tid(page, "alerts-panel").locator(`[data-testid="alert"][data-alert-id="${sos.id}"]`);
    await visible(inPanel, "the SOS in alerts-panel", 5000);
    await title(page, "🔴 SOS · (1) gadehold", "title with one open SOS");

    // The alerts view lists it too.
    await tid(page, "nav-alerts").click();
    await visible(tid(page, "view-alerts"), "view-alerts");
    const inView = tid(page, "view-alerts").locator(`[data-testid="alert"][data-alert-id="${sos.id}"]`);
    await visible(inView, "the SOS in view-alerts");
    assert.equal(await inView.getAttribute("data-kind"), "SOS");

    await world.coord.request("acknowledgeAlert", { alertId: sos.id, note: "coordinator handled it" });
    await visible(inView.locator('[data-testid="acked-by"]', { hasText: "coordinator handled it" }),
      "acked-by after the coordinator acknowledged the alert", 5000);
    await title(page, "gadehold", "title after the coordinator acknowledged the alert");
    await world.coord.request("resolveAlert", { clientId: newClientId(), alertId: sos.id, note: "" });
    await gone(inView, "the alert resolved by the coordinator", 5000);
    await visible(tid(page, "view-alerts").locator('[data-testid="alerts-empty"]'), "alerts-empty in view-alerts");
    assert.equal(await inPanel.count(), 0, "the alert is still in alerts-panel");
  });
});
