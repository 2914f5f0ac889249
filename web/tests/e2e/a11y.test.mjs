// Accessibility: axe-core (WCAG 2 A/AA and best practice) on every view, in the states a
// lead sees them in, in the light theme and again in the dark one (the system's night
// setting, emulated); serious and critical violations fail. Each dark view is saved as
// <artifacts>/dark-<view>.png. The sign-in view also checks that nothing the page loads
// answers 404 (the favicon included).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MOBILE, PHONE, axeCheck, httpGet, newClientId, openView, screenshot, setup, signIn, tid, visible, withPage,
} from "./harness.mjs";

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

// The page's background: dark (relative luminance under 0.1) in the dark theme.
const backgroundLuminance = (page) => page.evaluate(() => {
  const [r, g, b] = getComputedStyle(document.body.parentElement).backgroundColor.match(/\d+/g).map(Number)
    .map((c) => c / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
});

// axe in the light theme, then in the dark one (with its screenshot), then light again.
async function axeBoth(page, label, shot) {
  await page.emulateMedia({ colorScheme: "light" });
  assert.ok(await backgroundLuminance(page) > 0.5, `${label}: the light theme's background is dark`);
  await axeCheck(page, `${label}, light`);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await backgroundLuminance(page);
  assert.ok(dark < 0.1, `${label}: the page stays light (background luminance ${dark.toFixed(2)}) in the dark theme`);
  // Only the colours change: the rules about them.
  await axeCheck(page, `${label}, dark`, { rules: ["color-contrast", "link-in-text-block"] });
  if (shot) await screenshot(page, shot);
  await page.emulateMedia({ colorScheme: "light" });
}

test("axe: the sign-in view; nothing the page loads is missing (favicon)", async () => {
  await withPage(ctx.browser, ctx.server, "a11y-signin", async ({ page }) => {
    const missing = [];
    page.on("response", (r) => { if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`); });
    await page.goto(`${ctx.server.origin}/`);
    await visible(tid(page, "view-signin"), "view-signin");
    // The icon index.html names: the server has it, and the browser can draw it.
    const href = await page.evaluate(() => document.querySelector('link[rel~="icon"]')?.href ?? null);
    assert.ok(href, "index.html names no icon");
    const icon = await httpGet(href);
    assert.equal(icon.status, 200, `${href} answers ${icon.status}`);
    assert.match(icon.headers["content-type"] ?? "", /^image\//, `${href} is ${icon.headers["content-type"]}`);
    // With routing on (withPage), Playwright's Chromium fails every request for exactly
    // /favicon.ico, so the page asks for it with a query, which the server ignores.
    const width = await page.evaluate(async (url) => {
      const img = new Image();
      img.src = `${url}?decode`;
      await img.decode();
      return img.naturalWidth;
    }, href);
    assert.ok(width >= 16, `the browser draws ${href} ${width} px wide`);
    assert.deepEqual(missing, [], `responses with an error: ${missing.join(", ")}`);
    await axeBoth(page, "view-signin", "dark-signin");
  });
});

// One lead's session through every dashboard view (a sign-in each would cost more time
// than the checks).
test("axe: the board, alerts, shifts (editor, error), statistics, this device, sign-out question", async () => {
  await withPage(ctx.browser, ctx.server, "a11y-dashboard", async ({ page }) => {
    await leadPage(page, "lead-axe");
    await visible(page.locator(`[data-testid="patrol"][data-patrol-id="${patrolId}"]`), "the patrol card");
    await visible(tid(page, "alerts-panel").locator(`[data-testid="alert"][data-alert-id="${sos.id}"]`), "the SOS");
    await axeBoth(page, "view-board with a patrol and an SOS", "dark-board");

    await openView(page, "nav-alerts", "view-alerts");
    await visible(tid(page, "view-alerts").locator(`[data-testid="alert"][data-alert-id="${sos.id}"]`), "the SOS");
    await axeBoth(page, "view-alerts", "dark-alerts");

    await openView(page, "nav-shifts", "view-shifts");
    await visible(tid(page, "shift-today"), "today in the week");
    await axeBoth(page, "view-shifts", "dark-shifts");
    await tid(page, "shift-new").click();
    await visible(tid(page, "shift-form"), "shift-form");
    await axeCheck(page, "view-shifts with the editor open");
    // With a server error beside a field.
    await tid(page, "f-title").fill("Axe check");
    await tid(page, "f-max").fill("0");
    await tid(page, "f-save").click();
    await page.locator('[data-testid^="error-"]:visible, [data-testid="form-error"]:visible').first()
      .waitFor({ state: "visible", timeout: 5000 });
    await axeBoth(page, "the shift editor showing an error", "dark-shift-editor");
    await tid(page, "f-close").click();

    await openView(page, "nav-stats", "view-stats");
    await page.locator('[data-testid="chart-hours"][data-drawn="true"], [data-testid="stats-empty"]:visible').first()
      .waitFor({ timeout: 8000 });
    await axeBoth(page, "view-stats", "dark-stats");

    await openView(page, "nav-devices", "view-devices");
    const current = page.locator('[data-testid="device"][data-current="true"]');
    await visible(current, "the current device's row");
    assert.equal(await current.locator('[data-testid="device-revoke"]').count(), 0,
      "the current device has a device-revoke button (sign-out revokes it)");
    await axeBoth(page, "view-devices", "dark-devices");
    await tid(page, "sign-out").click();
    await visible(tid(page, "signout-confirm"), "the sign-out confirmation");
    await axeBoth(page, "the sign-out confirmation", "dark-signout-confirm");
    await tid(page, "signout-confirm-no").click();
  });
});

test("axe: the volunteer's views on a phone, light and dark", async () => {
  const { server, world } = ctx;
  await withPage(ctx.browser, server, "a11y-volunteer", async ({ page }) => {
    await signIn(page, server, { code: await world.invite("volunteer"), handle: "vol-axe-phone" });
    await visible(tid(page, "volunteer-shell"), "the volunteer's views");
    for (const name of ["tonight", "patrol", "note", "messages", "devices"]) {
      await tid(page, `nav-${name}`).click();
      await visible(tid(page, `view-${name}`), `view-${name}`);
      await axeBoth(page, `the volunteer's view-${name}`, `dark-volunteer-${name}`);
    }
  }, { viewport: PHONE, contextOptions: MOBILE });
});
