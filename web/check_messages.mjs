// The words check that build.mjs runs before anything else (so `cmake --build` and
// `node build.mjs --check-only` both fail on it), also runnable by itself:
//   node web/check_messages.mjs [MESSAGES_DIR [REASONS_TSV]]
// It fails, naming the keys, when
//   - a message file names other keys than en.json (so no text falls back to English),
//   - a row of proto/gadehold/v1/reasons.tsv has no text in some file: `reason.<REASON>` for
//     every error reason and server resolution, `alerts.text.<KIND>` for every alert kind,
//   - a text's placeholders differ from English's, or a reason's text uses a placeholder
//     that is not one of the row's params (it would show "{name}" to people).
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const MESSAGES_DIR = join(here, "src", "messages");
export const REASONS_TSV = resolve(here, "..", "proto", "gadehold", "v1", "reasons.tsv");

// The rows of reasons.tsv (its format: tests/build/check_reasons.py) as the keys they need.
export function wantedKeys(tsvText) {
  const wanted = new Map();
  let header = false;
  for (const line of tsvText.split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    const [reason, code, params = "-"] = line.split("\t");
    if (!header) {
      header = true;
      continue;
    }
    const key = code === "ALERT" ? `alerts.text.${reason.replace(/^ALERT_KIND_/, "")}` : `reason.${reason}`;
    wanted.set(key, params === "-" ? [] : params.split(","));
  }
  return wanted;
}

const placeholders = (text) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

function load(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    return new Error(`${path}: ${e.message}`);
  }
}

// Problems as sentences; an empty list when the files are fine.
export function checkMessages(dir = MESSAGES_DIR, tsv = REASONS_TSV) {
  const problems = [];
  const en = load(join(dir, "en.json"));
  if (en instanceof Error) return [en.message];
  const files = { "en.json": en };
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "en.json").sort()) {
    const data = load(join(dir, file));
    if (data instanceof Error) problems.push(data.message);
    else files[file] = data;
  }
  const enKeys = Object.keys(en);
  for (const [file, data] of Object.entries(files)) {
    if (file === "en.json") continue;
    const keys = Object.keys(data);
    const missing = enKeys.filter((k) => !(k in data));
    const extra = keys.filter((k) => !(k in en));
    if (missing.length) problems.push(`messages/${file} lacks keys that en.json has: ${missing.join(", ")}`);
    if (extra.length) problems.push(`messages/${file} has keys that en.json lacks: ${extra.join(", ")}`);
    for (const key of keys.filter((k) => k in en)) {
      const a = placeholders(en[key]).join(",");
      const b = placeholders(data[key]).join(",");
      if (a !== b) problems.push(`messages/${file}: ${key} has placeholders {${b}}, en.json has {${a}}`);
    }
  }
  let wanted;
  try {
    wanted = wantedKeys(readFileSync(tsv, "utf8"));
  } catch (e) {
    return [...problems, `${tsv}: ${e.message}`];
  }
  for (const [file, data] of Object.entries(files)) {
    const missing = [...wanted.keys()].filter((k) => typeof data[k] !== "string" || !data[k].trim());
    if (missing.length) {
      problems.push(`messages/${file} has no text for these rows of reasons.tsv: ${missing.join(", ")}`);
    }
    for (const [key, params] of wanted) {
      if (typeof data[key] !== "string") continue;
      const unknown = placeholders(data[key]).filter((p) => !params.includes(p));
      if (unknown.length) problems.push(`messages/${file}: ${key} uses {${unknown.join("}, {")}}, not a param of its row`);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkMessages(process.argv[2] ? resolve(process.argv[2]) : MESSAGES_DIR,
    process.argv[3] ? resolve(process.argv[3]) : REASONS_TSV);
  for (const p of problems) process.stderr.write(`check_messages: ${p}\n`);
  if (problems.length) process.exit(1);
  process.stdout.write("check_messages: the message files agree and translate every row of reasons.tsv\n");
}
