// Language: switching `lang` to Danish changes the text and <html lang>, never the test ids.
import assert from "node:assert/strict";
import { test } from "node:test";
import { screenshot, setup, signIn, tid, withPage } from "./harness.mjs";

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
