// Language: switching `lang` to Danish changes the text and <html lang>, never the test ids.
import assert from "node:assert/strict";
import { test } from "node:test";
import { newClientId, openView, screenshot, setup, showDay, signIn, tid, tomorrowAt, visible, withPage } from "./harness.mjs";

const ctx = setup();

const NAV = ["nav-board", "nav-alerts", "nav-shifts", "nav-stats", "nav-devices", "sign-out"];

// The visible text of each nav button without the alert-count badge's digits.
async function navTexts(page) {
  const out = {};
  for (const id of NAV) out[id] = (await tid(page, id).innerText()).replace(/\d+/g, "").trim();
  return out;
}

const testIds = (page) =>
  page.evaluate(() => [...document.querySelectorAll("[data-testid]")].map((e) => e.getAttribute("data-testid")).sort());

test("switching to Danish changes the nav text and html lang, not the test ids", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "language-switch", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-sprog" });
    assert.equal(await tid(page, "lang").inputValue(), "en", "the lang select starts at en (browser locale en-GB)");
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
    const english = await navTexts(page);
    const idsBefore = await testIds(page);
    for (const [id, text] of Object.entries(english)) assert.notEqual(text, "", `${id} has no text`);

    await tid(page, "lang").selectOption("da");
    await page.waitForFunction(() => document.documentElement.lang === "da", null, { timeout: 5000 }).catch(() => {});
    assert.equal(await page.evaluate(() => document.documentElement.lang), "da", "html lang after choosing da");
    const danish = await navTexts(page);
    for (const id of NAV) {
      assert.notEqual(danish[id], english[id], `${id} still reads "${english[id]}" in Danish`);
      assert.notEqual(danish[id], "", `${id} has no Danish text`);
    }
    assert.deepEqual(await testIds(page), idsBefore, "the set of test ids changed with the language");
    await screenshot(page, "language-da");

    await tid(page, "lang").selectOption("en");
    await page.waitForFunction(() => document.documentElement.lang === "en", null, { timeout: 5000 }).catch(() => {});
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en", "html lang after choosing en again");
    assert.deepEqual(await navTexts(page), english, "the English text after switching back");
  });
});

// The server's English never reaches a Danish page: refusals read from their reason and
// params, alerts from their kind and params (web/src/words.ts).
const SERVER_ENGLISH = /max_volunteers is|cannot exceed|lasts at most|needing support|The server refused|Serveren afviste/;

async function toDanish(page) {
  await tid(page, "lang").selectOption("da");
  await page.waitForFunction(() => document.documentElement.lang === "da", null, { timeout: 5000 });
}

test("Danish: the shift form's rule errors in Danish, not the server's English", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "language-rule-errors", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-regler" });
    await toDanish(page);
    await openView(page, "nav-shifts", "view-shifts");
    const when = await tomorrowAt(page, "18:00", "21:00");
    await showDay(page, when.date);
    await tid(page, "shift-new").click();
    await visible(tid(page, "shift-form"), "shift-form after shift-new");
    await tid(page, "f-title").fill("Aftenrunde");
    await tid(page, "f-area").selectOption(world.areaId);
    await tid(page, "f-date").fill(when.date);
    await tid(page, "f-start").fill("18:00");
    await tid(page, "f-end").fill("21:00");
    const errorText = async (field) => {
      const el = tid(page, `error-${field}`);
      await visible(el.filter({ hasText: /\S/ }), `error-${field}`);
      return (await el.innerText()).trim();
    };

    // OUT_OF_RANGE {min 1, max 50} beside "Højst (frivillige)".
    await tid(page, "f-min").fill("0");
    await tid(page, "f-max").fill("0");
    await tid(page, "f-save").click();
    assert.equal(await errorText("max_volunteers"), "Et tal fra 1 til 50.");

    // MIN_ABOVE_MAX, whose English the issue quoted.
    await tid(page, "f-min").fill("5");
    await tid(page, "f-max").fill("3");
    await tid(page, "f-save").click();
    assert.equal(await errorText("min_volunteers"), "Mindste antal kan ikke være større end højeste antal.");

    // SHIFT_TOO_LONG {max_hours 12}: 20:00 to 19:00 is read as 23 hours.
    await tid(page, "f-min").fill("1");
    await tid(page, "f-start").fill("20:00");
    await tid(page, "f-end").fill("19:00");
    await tid(page, "f-save").click();
    assert.equal(await errorText("ends_at_ms"), "En vagt varer højst 12 timer.");
    assert.doesNotMatch(await page.evaluate(() => document.body.innerText), SERVER_ENGLISH);
    await screenshot(page, "language-da-rule-errors");
    await tid(page, "f-close").click();

    // A full shift is "Fuldt besat" ("Fuld" reads as drunk).
    const created = await world.coord.request("createShift", {
      clientId: newClientId(), teamId: world.teamId, areaId: world.areaId, startsAtMs: when.startMs,
      endsAtMs: when.endMs, minVolunteers: 1, maxVolunteers: 1, title: "Fuld vagt",
    });
    const vol = await world.volunteer("vol-fuld");
    await vol.request("signUp", { shiftId: created.id, clientId: newClientId() });
    const card = page.locator(`[data-testid="shift"][data-shift-id="${created.id}"][data-staffing="FULL"]`);
    await visible(card, "the full shift's card", 5000);
    assert.match(await card.locator(".state").innerText(), /^Fuldt besat$/);
  });
});

test("Danish: an alert says what happened in Danish", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  const a = await world.volunteer("vol-ida");
  const b = await world.volunteer("vol-bo");
  await withPage(ctx.browser, server, "language-alert", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-alarm" });
    await toDanish(page);
    const { patrolId } = await world.startPatrol(a, [b]);
    await world.checkIn(a, patrolId, "need_support");
    await openView(page, "nav-alerts", "view-alerts");
    const alert = page.locator('[data-testid="alert"][data-kind="NEED_SUPPORT"]');
    await visible(alert, "the NEED_SUPPORT alert");
    const text = await alert.innerText();
    assert.match(text, /Har brug for hjælp/);
    assert.match(text, /En fra patruljen har tjekket ind og bedt om hjælp\./);
    assert.match(text, /Udløst /);
    assert.doesNotMatch(text, /Rejst|støtte/);
    assert.doesNotMatch(await page.evaluate(() => document.body.innerText), SERVER_ENGLISH);
    await screenshot(page, "language-da-alert");
  });
});
