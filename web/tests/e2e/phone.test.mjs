// A phone-size window (360 x 740): the board, with a patrol and an alert, scrolls only
// vertically. The screenshots are <artifacts>/phone-*.png.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PHONE, newClientId, screenshot, setup, signIn, tid, visible, withPage } from "./harness.mjs";

const ctx = setup();

const scrollWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth);

test("the board at 360 px wide has no horizontal scrolling", async () => {
  const { server, world } = ctx;
  const a = await world.volunteer("vol-phone-a");
  const b = await world.volunteer("vol-phone-b");
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "phone-board", async ({ page }) => {
    await page.goto(`${server.origin}/`);
    await visible(tid(page, "view-signin"), "view-signin");
    await screenshot(page, "phone-signin");
    assert.ok((await scrollWidth(page)) <= PHONE.width, `sign-in view: scrollWidth ${await scrollWidth(page)} > 360`);

    await signIn(page, server, { code, handle: "lead-phone" });
    const { patrolId } = await world.startPatrol(a, [b]);
    await world.checkIn(b, patrolId, "need_support");
    const sos = await a.request("raiseSos", { clientId: newClientId(), patrolId, message: "need help at the square" });
    await visible(page.locator(`[data-testid="patrol"][data-patrol-id="${patrolId}"] [data-testid="need-support"]`),
      "the patrol card with its need-support badge");
    await visible(tid(page, "alerts-panel").locator(`[data-testid="alert"][data-alert-id="${sos.id}"]`), "the SOS");
    const width = await scrollWidth(page);
    assert.ok(width <= PHONE.width, `board: document.documentElement.scrollWidth is ${width}, more than 360`);
  }, { viewport: PHONE });
});
