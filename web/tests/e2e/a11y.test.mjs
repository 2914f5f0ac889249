// Accessibility: axe-core (WCAG 2 A/AA and best practice) on every view, in the states a
// lead sees them in; serious and critical violations fail.
import assert from "node:assert/strict";
import { test } from "node:test";
import { axeCheck, newClientId, openView, setup, signIn, tid, visible, withPage } from "./harness.mjs";

let sos = null;
let patrolId = null;

// A patrol whose last check-in asked for support, and an open SOS.
const ctx = setup({ prepare: async ({ world }) => {
  const a = await world.volunteer("vol-axe-a");
  const b = await world.volunteer("vol-axe-b");
  ({ patrolId } = await world.startPatrol(a, [b]));
  await world.checkIn(a, patrolId, "need_support");
  sos = await a.request("raiseSos", { clientId: newClientId(), patrolId, message: "two people arguing" });
} });

async function leadPage(page, handle) {
  const { server, world } = ctx;
  await signIn(page, server, { code: await world.invite("lead"), handle });
}

test("axe: the sign-in view", async () => {
  await withPage(ctx.browser, ctx.server, "a11y-signin", async ({ page }) => {
    await page.goto(`${ctx.server.origin}/`);
    await visible(tid(page, "view-signin"), "view-signin");
    await axeCheck(page, "view-signin");
  });
});

test("axe: the board with a patrol and an alert", async () => {
  await withPage(ctx.browser, ctx.server, "a11y-board", async ({ page }) => {
    await leadPage(page, "lead-axe-board");
    await visible(page.locator(`[data-testid="patrol"][data-patrol-id="${patrolId}"]`), "the patrol card");
    await visible(tid(page, "alerts-panel").locator(`[data-testid="alert"][data-alert-id="${sos.id}"]`), "the SOS");
    await axeCheck(page, "view-board with a patrol and an SOS");
  });
});

test("axe: the alerts view", async () => {
  await withPage(ctx.browser, ctx.server, "a11y-alerts", async ({ page }) => {
    await leadPage(page, "lead-axe-alerts");
    await openView(page, "nav-alerts", "view-alerts");
    await visible(tid(page, "view-alerts").locator(`[data-testid="alert"][data-alert-id="${sos.id}"]`), "the SOS");
    await axeCheck(page, "view-alerts");
  });
});

test("axe: the shifts view with the editor open", async () => {
  await withPage(ctx.browser, ctx.server, "a11y-shifts", async ({ page }) => {
    await leadPage(page, "lead-axe-shifts");
    await openView(page, "nav-shifts", "view-shifts");
    await axeCheck(page, "view-shifts");
    await tid(page, "shift-new").click();
    await visible(tid(page, "shift-form"), "shift-form");
    await axeCheck(page, "view-shifts with the editor open");
    // With a server error beside a field.
    await tid(page, "f-title").fill("Axe check");
    await tid(page, "f-max").fill("0");
    await tid(page, "f-save").click();
    await page.locator('[data-testid^="error-"]:visible, [data-testid="form-error"]:visible').first()
      .waitFor({ state: "visible", timeout: 5000 });
    await axeCheck(page, "the shift editor showing an error");
  });
});

test("axe: the stats view", async () => {
  await withPage(ctx.browser, ctx.server, "a11y-stats", async ({ page }) => {
    await signIn(page, ctx.server, { code: await ctx.world.invite("coordinator"), handle: "coord-axe" });
    await openView(page, "nav-stats", "view-stats");
    await page.locator('[data-testid="chart-hours"][data-drawn="true"], [data-testid="stats-empty"]:visible').first()
      .waitFor({ timeout: 8000 });
    await axeCheck(page, "view-stats");
  });
});

test("axe: the devices view", async () => {
  await withPage(ctx.browser, ctx.server, "a11y-devices", async ({ page }) => {
    await leadPage(page, "lead-axe-devices");
    await openView(page, "nav-devices", "view-devices");
    const current = page.locator('[data-testid="device"][data-current="true"]');
    await visible(current, "the current device's row");
    assert.equal(await current.locator('[data-testid="device-revoke"]').count(), 0,
      "the current device has a device-revoke button (sign-out revokes it)");
    await axeCheck(page, "view-devices");
  });
});
