// Unit tests of the page's words for refusals and alerts (web/src/errors.ts, words.ts): the
// modules are bundled from their TypeScript with esbuild, as the page is, and run in Node
// with the page's own message files. No server, no browser.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { config, requireWeb, webDir } from "../e2e/harness.mjs";

let lib;
let buildDir;

// i18n.ts keeps the language on <html lang> and in localStorage.
globalThis.document = { documentElement: { lang: "en" } };
globalThis.localStorage = { getItem: () => null, setItem: () => {} };

before(async () => {
  buildDir = mkdtempSync(join(tmpdir(), "gadehold-words-"));
  const entry = join(buildDir, "entry.ts");
  const src = (f) => JSON.stringify(join(webDir, "src", f));
  writeFileSync(entry, [
    `export { describe } from ${src("errors.ts")};`,
    `export { alertText, resolutionText, reasonText, when } from ${src("words.ts")};`,
    `export { setLang } from ${src("i18n.ts")};`,
    `export { clock } from ${src("format.ts")};`,
    `export { RequestError } from ${src("protocol/connection.ts")};`,
    `export { pb } from ${src("proto.ts")};`,
  ].join("\n"));
  const out = join(buildDir, "words.mjs");
  await requireWeb("esbuild").build({
    entryPoints: [entry], outfile: out, bundle: true, format: "esm", platform: "node", target: "node18",
    logLevel: "warning", nodePaths: [join(webDir, "node_modules")],
    alias: { "@proto": join(config.dist, "gen", "proto.js"), long: join(webDir, "src", "no-long.ts") },
  });
  lib = await import(pathToFileURL(out).href);
});

after(() => {
  lib?.setLang("en");
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

// The rows of proto/gadehold/v1/reasons.tsv: [reason, code, params].
function reasonRows() {
  const text = readFileSync(join(webDir, "..", "proto", "gadehold", "v1", "reasons.tsv"), "utf8");
  return text.split("\n").filter((l) => l.trim() && !l.startsWith("#")).slice(1)
    .map((l) => l.split("\t")).map(([reason, code, params]) => [reason, code, params === "-" ? [] : params.split(",")]);
}

const refusal = (code, field, message, reason = "", params = {}) => new lib.RequestError(code, field, message, reason, params);

test("a reason this page does not know reads in Danish, without the server's English", () => {
  lib.setLang("da");
  const err = refusal("FAILED_PRECONDITION", "min_volunteers", "min_volunteers cannot exceed max_volunteers",
    "A_RULE_FROM_A_NEWER_SERVER", { limit: "4" });
  const text = lib.describe(err);
  assert.equal(text, "Det kan ikke lade sig gøre lige nu. Tjek dette felt: Mindste antal frivillige.");
  assert.doesNotMatch(text, /cannot|exceed|min_volunteers|NEWER/);

  // No reason at all, and a field the page has no name for: the code's text alone.
  const bare = lib.describe(refusal("INVALID_ARGUMENT", "frobnicate_ms", "a shift lasts at most 12 hours"));
  assert.equal(bare, "Serveren kunne ikke tage imod det, der blev sendt. Tjek det og prøv igen.");
  // A code the page does not know either.
  assert.equal(lib.describe(refusal("SOMETHING_NEW", "", "new")), "Der gik noget galt på serveren. Prøv igen senere.");
});

test("a known reason with its params, in English and Danish", () => {
  const err = refusal("FAILED_PRECONDITION", "ends_at_ms", "a shift lasts at most 12 hours", "SHIFT_TOO_LONG",
    { max_hours: "12" });
  lib.setLang("en");
  assert.equal(lib.describe(err), "A shift lasts at most 12 hours.");
  lib.setLang("da");
  assert.equal(lib.describe(err), "En vagt varer højst 12 timer.");
  // A range with one bound, and with both.
  assert.equal(lib.describe(refusal("INVALID_ARGUMENT", "max_volunteers", "", "OUT_OF_RANGE", { max: "50" })), "Højst 50.");
  assert.equal(lib.describe(refusal("INVALID_ARGUMENT", "max_volunteers", "", "OUT_OF_RANGE", { min: "1", max: "50" })),
    "Et tal fra 1 til 50.");
  // A known reason whose params did not come: the code's text, never "{max_hours}".
  assert.equal(lib.describe(refusal("FAILED_PRECONDITION", "ends_at_ms", "too long", "SHIFT_TOO_LONG")),
    "Det kan ikke lade sig gøre lige nu. Tjek dette felt: Sluttidspunkt.");
  // Not the server's answer at all: the page's own words, not the exception's.
  assert.equal(lib.describe(new TypeError("x is undefined")), "Noget gik galt på siden. Genindlæs den og prøv igen.");
  lib.setLang("en");
  assert.equal(lib.describe(refusal("UNAVAILABLE", "", "offline")), "No connection to the server. Try again when it is back.");
});

test("every row of reasons.tsv reads as a whole sentence in both languages", () => {
  const ms = String(Date.UTC(2026, 11, 7, 20, 14));
  for (const lang of ["en", "da"]) {
    lib.setLang(lang);
    for (const [reason, code, names] of reasonRows()) {
      const params = Object.fromEntries(names.map((n) => [n, n.endsWith("_ms") ? ms : "3"]));
      const text = code === "ALERT"
        ? lib.alertText({ kind: lib.pb.AlertKind[reason], params })
        : code === "RESOLVED"
          ? lib.resolutionText({ resolveReason: reason, resolveParams: params })
          : lib.describe(refusal(code, "", "the server's English", reason, params));
      assert.ok(text.length > 5, `${lang} ${reason}: "${text}"`);
      assert.doesNotMatch(text, /[{}]|_|the server's English/, `${lang} ${reason}: "${text}"`);
      assert.ok(!text.includes(ms), `${lang} ${reason} shows the raw time: "${text}"`);
    }
  }
});

test("alerts say their kind's sentence, times as local times", () => {
  const last = Date.now() - 20 * 60_000;
  const overdue = { kind: lib.pb.AlertKind.ALERT_KIND_OVERDUE, params: { last_activity_ms: String(last) },
    message: "no check-in since the interval ran out" };
  lib.setLang("en");
  assert.equal(lib.alertText(overdue), `No check-in or other word from the patrol since ${lib.clock(last)}.`);
  lib.setLang("da");
  assert.equal(lib.alertText(overdue), `Intet tjek-ind, og patruljen har ikke givet lyd fra sig siden kl. ${lib.clock(last)}.`);
  // Another day names the day.
  const friday = new Date(2026, 11, 11, 21, 0).getTime();
  assert.match(lib.when(friday, new Date(2026, 11, 7, 22, 0).getTime()), /^fre\.? 11\.? dec\.? kl\. 21[.:]00$/);

  const sos = { kind: lib.pb.AlertKind.ALERT_KIND_SOS, params: {}, message: "" };
  assert.equal(lib.alertText(sos), "Har kaldt på hjælp med SOS-knappen.");
  assert.equal(lib.alertText({ ...sos, message: "to fyre følger efter os" }), "Besked fra den frivillige: to fyre følger efter os");
  const support = { kind: lib.pb.AlertKind.ALERT_KIND_NEED_SUPPORT, message: "a member checked in needing support" };
  assert.equal(lib.alertText(support), "En fra patruljen har tjekket ind og bedt om hjælp.");
  // An overdue alert without its time: nothing rather than a half-filled sentence.
  assert.equal(lib.alertText({ kind: lib.pb.AlertKind.ALERT_KIND_OVERDUE, params: {}, message: "English" }), "");
  assert.equal(lib.resolutionText({ resolveReason: "RESOLVED_SHIFT_STARTED", resolveParams: { volunteers: "2" } }),
    "Vagten er begyndt; tilmeldt: 2.");
  assert.equal(lib.resolutionText({ resolveReason: "", resolveParams: {} }), "");
  lib.setLang("en");
});
