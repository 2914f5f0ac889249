// The board: a patrol started by a volunteer's phone (the protocol client) shows within
// 1 s of its Ack, its area named on its card; a NEED_SUPPORT check-in shows the
// need-support badge; the end removes it. A lead messages a patrol from its card: the
// walkers' phones get it, the card shows it, and the form keeps what is typed while the
// board re-renders. (The order of the cards: urgency.test.mjs.)
import assert from "node:assert/strict";
import { test } from "node:test";
import { gone, isShown, newClientId, setup, signIn, tid, visible, withPage } from "./harness.mjs";

const ctx = setup();

// Records, on every animation frame, when each patrol card first became visible (page clock,
// which is the machine's clock, the same as Date.now() here).
function watchPatrolCards() {
  window.__e2ePatrolSeen = {};
  const tick = () => {
    for (const el of document.querySelectorAll('[data-testid="patrol"][data-patrol-id]')) {
      const id = el.getAttribute("data-patrol-id");
      if (window.__e2ePatrolSeen[id]) continue;
      const style = getComputedStyle(el);
      if (el.getClientRects().length > 0 && style.visibility !== "hidden") window.__e2ePatrolSeen[id] = Date.now();
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

test("a patrol started by a volunteer shows within 1 s; NEED_SUPPORT shows the badge", async () => {
  const { server, world } = ctx;
  const a = await world.volunteer("vol-anna");
  const b = await world.volunteer("vol-bo");
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "board-patrol", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-board" });
    await visible(tid(page, "board-empty"), "board-empty before any patrol");
    await visible(page.locator('[data-testid="conn-state"][data-state="online"]'), "conn-state online");
    await page.evaluate(watchPatrolCards);

    const { patrolId, ackAt } = await world.startPatrol(a, [b]);
    const card = page.locator(`[data-testid="patrol"][data-patrol-id="${patrolId}"]`);
    await visible(card, `patrol card ${patrolId}`, 5000);
    const seenAt = await page.evaluate((id) => window.__e2ePatrolSeen[id], patrolId);
    assert.ok(seenAt, "the frame watcher never saw the card");
    const latency = seenAt - ackAt;
    console.log(`# patrol card visible ${latency} ms after the StartPatrol Ack`);
    assert.ok(latency <= 1000, `the patrol card showed ${latency} ms after the Ack (at most 1000 ms)`);

    // Its area on the card, with its members; no badge yet.
    assert.equal((await card.locator('[data-testid="patrol-area"]').innerText()).trim(), world.areaName,
      "the card names the patrol's area");
    assert.equal(await isShown(tid(page, "board-empty")), false, "board-empty still shows");
    const members = await card.locator('[data-testid="patrol-members"]').innerText();
    assert.match(members, /vol-anna/);
    assert.match(members, /vol-bo/);
    await visible(card.locator('[data-testid="patrol-since"]'), "patrol-since");
    assert.equal(await card.getAttribute("data-status"), "ok", "data-status of a fresh patrol");
    assert.equal(await card.locator('[data-testid="need-support"]').count(), 0, "need-support badge before any check-in");

    // NEED_SUPPORT: the badge, and data-status need-support.
    await world.checkIn(a, patrolId, "need_support");
    await visible(card.locator('[data-testid="need-support"]'), "need-support badge after a NEED_SUPPORT check-in", 5000);
    await visible(page.locator(`[data-testid="patrol"][data-patrol-id="${patrolId}"][data-status="need-support"]`),
      'data-status="need-support"', 5000);

    // An OK check-in clears it.
    await world.checkIn(b, patrolId, "ok");
    await gone(card.locator('[data-testid="need-support"]'), "need-support badge after an OK check-in", 5000);
    await visible(page.locator(`[data-testid="patrol"][data-patrol-id="${patrolId}"][data-status="ok"]`),
      'data-status="ok" after an OK check-in', 5000);

    // The end of the patrol takes it off the board.
    await a.request("endPatrol", { clientId: newClientId(), patrolId, endedAtMs: Date.now() });
    await gone(card, "the patrol card after EndPatrol", 5000);
    await visible(tid(page, "board-empty"), "board-empty after the only patrol ended", 5000);
  });
});

test("patrols running before the page opened show after sign-in", async () => {
  const { server, world } = ctx;
  const a = await world.volunteer("vol-cai");
  const b = await world.volunteer("vol-dina");
  const { patrolId } = await world.startPatrol(a, [b]);
  await world.checkIn(b, patrolId, "need_support");
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "board-existing", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-board-two" });
    const card = page.locator(`[data-testid="patrol"][data-patrol-id="${patrolId}"]`);
    await visible(card, "a patrol that started before sign-in", 5000);
    await visible(card.locator('[data-testid="need-support"]'), "need-support badge from the last check-in");
    assert.equal(await card.getAttribute("data-status"), "need-support");
  });
  await a.request("endPatrol", { clientId: newClientId(), patrolId, endedAtMs: Date.now() });
});

test("a lead messages a patrol: both phones get it, the card shows it to every lead", async () => {
  const { server, world } = ctx;
  const a = await world.volunteer("vol-emil");
  const b = await world.volunteer("vol-frida");
  const other = await world.lead("lead-other");
  const { patrolId } = await world.startPatrol(a, [b]);
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "board-message", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-messenger" });
    const card = page.locator(`[data-testid="patrol"][data-patrol-id="${patrolId}"]`);
    await visible(card, "the patrol card", 5000);
    // The form opens from the patrol's own card, for that patrol.
    assert.equal(await tid(page, "message-form").isVisible(), false, "the message form shows before it is opened");
    const open = card.locator('[data-testid="patrol-message-open"]');
    await page.waitForTimeout(1100); // a redraw of the board in between: the button is the same
    await open.click();
    await visible(tid(page, "message-form"), "the message form after the card's Message button");
    assert.match(await tid(page, "message-to").innerText(), /vol-emil, vol-frida/, "the form names the patrol");
    // Typing survives the board's re-render every second.
    await tid(page, "message-text").fill("Come back to base");
    await page.waitForTimeout(1200);
    assert.equal(await tid(page, "message-text").inputValue(), "Come back to base", "the typed text was lost");
    await tid(page, "message-submit").click();

    const isMessage = (e) => e.kind === "patrolMessage" && e.patrolMessage.patrolId === patrolId;
    for (const phone of [a, b, other]) {
      const got = (await phone.waitForEvent(isMessage, 5000, "patrol_message")).patrolMessage;
      assert.equal(got.text, "Come back to base");
      assert.equal(got.fromHandle, "lead-messenger");
    }
    await visible(card.locator('[data-testid="patrol-message"]'), "the message on the card", 5000);
    assert.match(await card.locator('[data-testid="patrol-message"]').innerText(), /lead-messenger.*Come back to base/);
    await gone(tid(page, "message-form"), "the message form after the Ack", 5000);

    // Opened again, and the patrol ends meanwhile: the form says so and sends nothing.
    await open.click();
    await visible(tid(page, "message-form"), "the message form, opened again");
    assert.equal(await tid(page, "message-text").inputValue(), "", "the form was not cleared after the Ack");
    await a.request("endPatrol", { clientId: newClientId(), patrolId, endedAtMs: Date.now() });
    await gone(card, "the patrol card after EndPatrol", 5000);
    await visible(tid(page, "message-none"), "the patrol has ended, in the open form", 5000);
    assert.equal(await tid(page, "message-submit").isDisabled(), true, "Send is enabled for an ended patrol");
  });
});
