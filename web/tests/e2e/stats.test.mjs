// Statistics: with a finished patrol (check-ins and a note) on the server, a coordinator's
// stats view draws its three charts and downloads the partner export as CSV.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { isShown, newClientId, openView, setup, signIn, tid, visible, withPage } from "./harness.mjs";

// docs/statistics-schema.md, "Rows" (and tests/data/golden_export.csv).
const EXPORT_HEADER = "schema_version,city,area,period_start,period_end,metric,category,value,suppressed";

// A finished patrol of 90 minutes with two check-ins (one NEED_SUPPORT) and a note.
const ctx = setup({ prepare: async ({ world }) => {
  const v1 = world.v1;
  const a = await world.volunteer("vol-stats-a");
  const b = await world.volunteer("vol-stats-b");
  const now = Date.now();
  const { patrolId } = await world.startPatrol(a, [b], { startedAtMs: now - 90 * 60 * 1000 });
  await world.checkIn(a, patrolId, "ok", now - 60 * 60 * 1000);
  await world.checkIn(b, patrolId, "need_support", now - 30 * 60 * 1000);
  await a.request("submitNote", {
    clientId: newClientId(),
    patrolId,
    atMs: now - 20 * 60 * 1000,
    location: world.where,
    category: v1.NoteCategory.NOTE_CATEGORY_CONVERSATION,
    outcome: v1.NoteOutcome.NOTE_OUTCOME_ADVICE_GIVEN,
    ageBand: v1.AgeBand.AGE_BAND_18_24,
    groupSize: 3,
    text: "Talked with a group near the station",
  });
  await a.request("endPatrol", { clientId: newClientId(), patrolId, endedAtMs: now });
} });

async function chartsDrawn(page) {
  for (const id of ["chart-hours", "chart-contacts", "chart-notes"]) {
    const drawn = page.locator(`canvas[data-testid="${id}"][data-drawn="true"]`);
    try {
      await drawn.waitFor({ state: "attached", timeout: 8000 });
    } catch {
      const el = tid(page, id);
      const what = (await el.count()) === 0 ? "missing" : `data-drawn=${await el.getAttribute("data-drawn")}, tag ${await el.evaluate((e) => e.tagName)}`;
      assert.fail(`${id} is not a drawn canvas (${what})`);
    }
    const points = Number(await drawn.getAttribute("data-points"));
    assert.ok(Number.isInteger(points) && points >= 1, `${id} data-points=${await drawn.getAttribute("data-points")}, expected >= 1`);
  }
  assert.equal(await isShown(tid(page, "stats-empty")), false, "stats-empty shows although there is data");
}

test("the coordinator's charts are drawn and the partner export downloads as CSV", async () => {
  const { server, world } = ctx;
  const code = await world.invite("coordinator");
  await withPage(ctx.browser, server, "stats-coordinator", async ({ page }) => {
    await signIn(page, server, { code, handle: "coord-web" });
    await openView(page, "nav-stats", "view-stats");
    await chartsDrawn(page);

    await tid(page, "stats-city").fill("Aarhus");
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 10000 }),
      tid(page, "stats-export").click(),
    ]);
    const name = download.suggestedFilename();
    assert.match(name, /^gadehold-export-.+-.+\.csv$/, `download file name ${name}`);
    assert.equal(await download.failure(), null, "the download failed");
    const csv = readFileSync(await download.path(), "utf8");
    const lines = csv.split(/\r?\n/).filter((l) => l !== "");
    assert.equal(lines[0], EXPORT_HEADER, "the CSV header of the partner export");
    assert.ok(lines.length > 1, "the export has no rows");
    assert.equal(await isShown(tid(page, "export-error")), false, "export-error shows after a good export");
  }, { acceptDownloads: true });
});

test("a lead sees the charts but no export", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "stats-lead", async ({ page }) => {
    await signIn(page, server, { code, handle: "lead-stats" });
    await openView(page, "nav-stats", "view-stats");
    await chartsDrawn(page);
    assert.equal(await isShown(tid(page, "stats-export")), false, "stats-export shows for a lead (coordinators only)");
  });
});
