// The words check of the web build can fail (ctest build.messages):
//   node tests/build/check_messages_test.mjs ROOT
// The real message files pass web/check_messages.mjs. Then, on a temporary copy of
// web/build.mjs and what it reads first (check_messages.mjs, icons.mjs, src/messages,
// proto/gadehold/v1/reasons.tsv), each spoiled in one way, `node build.mjs --check-only`
// must fail before it builds anything, naming the key.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";

const root = resolve(process.argv[2] ?? ".");
const web = join(root, "web");
const scratch = mkdtempSync(join(tmpdir(), "gadehold-messages-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
// A copy of what build.mjs reads before it runs any tool; `spoil` changes it.
function copy(spoil) {
  const dir = join(scratch, String(++copies));
  mkdirSync(join(dir, "web", "src", "messages"), { recursive: true });
  mkdirSync(join(dir, "proto", "gadehold", "v1"), { recursive: true });
  for (const f of ["build.mjs", "check_messages.mjs", "icons.mjs"]) copyFileSync(join(web, f), join(dir, "web", f));
  const messages = {};
  for (const lang of ["en", "da"]) {
    messages[lang] = JSON.parse(readFileSync(join(web, "src", "messages", `${lang}.json`), "utf8"));
  }
  const tsv = { text: readFileSync(join(root, "proto", "gadehold", "v1", "reasons.tsv"), "utf8") };
  spoil(messages, tsv);
  for (const [lang, data] of Object.entries(messages)) {
    writeFileSync(join(dir, "web", "src", "messages", `${lang}.json`), `${JSON.stringify(data, null, 2)}\n`);
  }
  writeFileSync(join(dir, "proto", "gadehold", "v1", "reasons.tsv"), tsv.text);
  return dir;
}

function build(dir) {
  const out = spawnSync(process.execPath, [join(dir, "web", "build.mjs"), "--check-only"],
    { cwd: join(dir, "web"), encoding: "utf8", timeout: 30_000 });
  return { status: out.status, stderr: out.stderr };
}

function assertRefused(dir, ...named) {
  const { status, stderr } = build(dir);
  assert.notEqual(status, 0, "build.mjs --check-only passed");
  assert.match(stderr, /the message files are incomplete/, `failed for another reason:\n${stderr}`);
  for (const text of named) assert.ok(stderr.includes(text), `the failure does not name ${text}:\n${stderr}`);
}

test("the real message files pass", () => {
  const out = spawnSync(process.execPath, [join(web, "check_messages.mjs")], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
});

test("a reason's text missing from da.json fails the build, naming it", () => {
  assertRefused(copy((m) => delete m.da["reason.OUT_OF_RANGE"]), "da.json", "reason.OUT_OF_RANGE");
});

test("an alert's text missing from both files fails the build, naming it", () => {
  // The two files still agree: only the reasons check can see this.
  const dir = copy((m) => {
    delete m.en["alerts.text.OVERDUE"];
    delete m.da["alerts.text.OVERDUE"];
  });
  assertRefused(dir, "en.json", "alerts.text.OVERDUE");
});

test("a new reason in reasons.tsv without a text fails the build, naming it", () => {
  const dir = copy((_, tsv) => {
    tsv.text += "SHIFT_ON_FIRE\tFAILED_PRECONDITION\tmax_hours\tthe shift is on fire\n";
  });
  assertRefused(dir, "reason.SHIFT_ON_FIRE");
});

test("a key only Danish has, or another placeholder, fails the build", () => {
  assertRefused(copy((m) => { m.da["shifts.extra"] = "Ekstra"; }), "shifts.extra");
  assertRefused(copy((m) => { m.da["reason.SHIFT_TOO_LONG"] = "En vagt varer højst {max_timer} timer."; }),
    "reason.SHIFT_TOO_LONG", "max_timer");
});
