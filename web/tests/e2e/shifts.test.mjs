// Shifts: a lead plans a shift in the week view; it lands in the right day column with the
// right times on the server; a volunteer's sign-up shows without a reload; the server's rule
// errors show beside their fields.
import assert from "node:assert/strict";
import { test } from "node:test";
import { newClientId, openView, setup, showDay, signIn, tid, tomorrowAt, visible, withPage } from "./harness.mjs";

const ctx = setup();

async function fillShift(page, world, { title, date, start, end, min, max }) {
  await tid(page, "shift-new").click();
  await visible(tid(page, "shift-form"), "shift-form after shift-new");
  await tid(page, "f-title").fill(title);
  await tid(page, "f-area").selectOption(world.areaId);
  await tid(page, "f-date").fill(date);
  await tid(page, "f-start").fill(start);
  await tid(page, "f-end").fill(end);
  await tid(page, "f-min").fill(String(min));
  await tid(page, "f-max").fill(String(max));
  await tid(page, "f-save").click();
}

async function shiftsOn(world, fromMs, toMs) {
  return (await world.coord.request("listShifts", { fromMs, toMs }, "shiftList")).shifts;
}

test("a lead plans a shift; it lands in its day; a volunteer's sign-up shows without a reload", async () => {
  const { server, world } = ctx;
  const vol = await world.volunteer("vol-shift");
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "shifts-plan", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-shifts" });
    await openView(page, "nav-shifts", "view-shifts");
    assert.equal(await tid(page, "shift-team").inputValue(), world.teamId, "shift-team selects the lead's team");
    await visible(tid(page, "week-label"), "week-label");

    const when = await tomorrowAt(page, "18:00", "21:00");
    const column = await showDay(page, when.date);
    await fillShift(page, world, { title: "Evening walk", date: when.date, start: "18:00", end: "21:00", min: 1, max: 3 });

    const card = column.locator('[data-testid="shift"]').filter({
      has: page.locator('[data-testid="shift-title"]', { hasText: "Evening walk" }),
    });
    await visible(card, `the new shift's card in day ${when.date}`, 5000);
    const shiftId = await card.getAttribute("data-shift-id");
    assert.ok(shiftId, "the shift card has no data-shift-id");

    // What the server stored: local 18:00-21:00 of that day, as typed.
    const stored = (await shiftsOn(world, when.startMs - 86400000, when.endMs + 86400000)).find((s) => s.shiftId === shiftId);
    assert.ok(stored, `shift ${shiftId} is not on the server`);
    assert.equal(stored.startsAtMs, when.startMs, "starts_at_ms is local 18:00 of the chosen date");
    assert.equal(stored.endsAtMs, when.endMs, "ends_at_ms is local 21:00 of the chosen date");
    assert.equal(stored.title, "Evening walk");
    assert.equal(stored.areaId, world.areaId);
    assert.equal(stored.teamId, world.teamId);
    assert.equal(stored.minVolunteers, 1);
    assert.equal(stored.maxVolunteers, 3);

    assert.equal(await card.getAttribute("data-staffing"), "UNDERSTAFFED");
    assert.match(await card.locator('[data-testid="shift-staffing"]').innerText(), /\b0\s*\/\s*3\b/);
    assert.match(await card.locator('[data-testid="shift-time"]').innerText(), /18[:.]00/);

    // A volunteer signs up on their phone: the card follows without a reload.
    await vol.request("signUp", { shiftId, clientId: newClientId() });
    await visible(card.locator('[data-testid="shift-signups"]', { hasText: "vol-shift" }),
      "the volunteer's handle in shift-signups", 5000);
    await visible(column.locator(`[data-testid="shift"][data-shift-id="${shiftId}"][data-staffing="STAFFED"]`),
      'data-staffing="STAFFED" after the sign-up', 5000);
    assert.match(await card.locator('[data-testid="shift-staffing"]').innerText(), /\b1\s*\/\s*3\b/);
  });
});

test("the server's rule errors show beside the field", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "shifts-errors", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-shifts-two" });
    await openView(page, "nav-shifts", "view-shifts");
    const when = await tomorrowAt(page, "18:00", "21:00");
    await showDay(page, when.date);
    const before = (await shiftsOn(world, when.startMs - 86400000, when.endMs + 86400000)).length;

    // max_volunteers 0: INVALID_ARGUMENT, field "max_volunteers" (server/app/shift_rules.cpp).
    await fillShift(page, world, { title: "Too few places", date: when.date, start: "18:00", end: "21:00", min: 0, max: 0 });
    await visible(tid(page, "error-max_volunteers"), "error-max_volunteers for f-max = 0");
    assert.notEqual((await tid(page, "error-max_volunteers").innerText()).trim(), "");
    await visible(tid(page, "shift-form"), "shift-form stays open on an error");

    // An end before the start is read as the next morning: a 23-hour shift, too long
    // (FAILED_PRECONDITION, field "ends_at_ms").
    await tid(page, "f-max").fill("3");
    await tid(page, "f-start").fill("20:00");
    await tid(page, "f-end").fill("19:00");
    await tid(page, "f-save").click();
    await visible(tid(page, "error-ends_at_ms"), "error-ends_at_ms for a 23-hour shift");
        // Said from the reason (SHIFT_TOO_LONG, max_hours 12) in the page's words, not the
    // server's English.
    assert.equal((await tid(page, "error-ends_at_ms").innerText()).trim(), "A shift lasts at most 12 hours.");

    const after = await shiftsOn(world, when.startMs - 86400000, when.endMs + 86400000);
    assert.equal(after.length, before, `a refused shift was stored: ${after.map((s) => s.title)}`);
  });
});
