#!/usr/bin/env node
// Generates the scrubber's name gazetteers, server/privacy/names/{given,surnames}.txt,
// from the person-name lists of a pinned @faker-js/faker (MIT; web/package.json pins the
// version) and of Debian's python3-fake-factory (Python Faker, MIT; its en_GB, dk_DK,
// lt_LT lists add the British, Danish and Lithuanian names the JS lists lack), and marks the names that are also everyday words by looking them up in the
// Debian word lists /usr/share/dict/british-english (package wbritish, SCOWL licence) and
// /usr/share/dict/danish (package wdanish, GPL-2; only used to decide the mark, nothing of
// it is copied).
//
//   node tests/build/generate_names.mjs ROOT           write the files
//   node tests/build/generate_names.mjs ROOT --check   exit 1 when they are stale
//
// Nothing here runs at build time: the generated files are committed, and the build
// embeds them. Run it after changing the faker version or the locale list.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? '.');
const check = process.argv.includes('--check');
const require = createRequire(path.join(root, 'web', 'package.json'));
const fakerDir = path.dirname(require.resolve('@faker-js/faker/package.json'));
const fakerVersion = JSON.parse(readFileSync(path.join(fakerDir, 'package.json'), 'utf8')).version;
const faker = await import(path.join(fakerDir, 'dist', 'index.js'));

// English and Danish, the largest communities of Liverpool and Copenhagen that faker
// covers in Latin script (Polish, Turkish, Romanian, Kurdish, German, Latvian, South
// Asian, Nigerian), and the neighbours whose names are common in both cities.
const LOCALES = ['en', 'en_GB', 'en_IE', 'en_IN', 'en_NG', 'en_GH', 'cy', 'da', 'sv', 'nb_NO', 'de', 'nl',
  'fr', 'es', 'it', 'pt_PT', 'pl', 'tr', 'ro', 'ku_kmr_latin', 'lv', 'hr', 'sk', 'cs_CZ'];

const DICTS = ['/usr/share/dict/british-english', '/usr/share/dict/danish'];
for (const d of DICTS) {
  if (!existsSync(d)) {
    console.error(`generate_names: ${d} is missing (apt-get install wbritish wdanish)`);
    process.exit(2);
  }
}
// Lower-case entries only: "Jonathan" is listed capitalised (a proper noun), "will" and
// "per" in lower case (everyday words).
const everyday = new Set();
for (const d of DICTS) {
  for (const line of readFileSync(d, 'utf8').split('\n')) {
    const w = line.replace(/'s$/, '');
    if (w && w === w.toLowerCase()) everyday.add(w);
  }
}

function flatten(value) {
  if (value == null) return [];
  if (Array.isArray(value)) return value;
  return Object.values(value).flatMap(flatten);
}

// The letters of European Latin scripts, apostrophes and hyphens ("O'Neill", "Anne-Sofie").
const NAME = /^\p{Lu}[\p{Ll}\p{Lu}'’-]*\p{Ll}$/u;
// Spellings people type on a phone without the diacritics: "Yilmaz" for "Yılmaz".
function folded(word) {
  return word.normalize('NFD').replace(/\p{M}/gu, '').replace(/ı/g, 'i').replace(/ł/g, 'l').replace(/Ł/g, 'L')
    .replace(/ß/g, 'ss').replace(/đ/g, 'd').replace(/’/g, "'").normalize('NFC');
}
// Danish letters stay as they are: they are typed, and "æ" does not fold to "a".
function variants(word) {
  const out = new Set([word.normalize('NFC')]);
  const protectedDanish = word.replace(/[æøåÆØÅ]/g, (c) => `\u0000${c}`);
  out.add(folded(protectedDanish).replace(/\u0000/g, ''));
  return [...out];
}

// Python Faker's person lists, read with Debian's /usr/bin/python3.
const PY_LOCALES = ['en_GB', 'en', 'dk_DK', 'sv_SE', 'no_NO', 'de_DE', 'pl_PL', 'tr_TR', 'ro_RO', 'lt_LT', 'fr_FR'];
const PY_DUMP = `
import importlib, json, sys
out = {}
for loc in sys.argv[1:]:
    p = importlib.import_module('faker.providers.person.' + loc).Provider
    first = set(getattr(p, 'first_names', ())) | set(getattr(p, 'first_names_male', ())) | set(getattr(p, 'first_names_female', ()))
    out[loc] = {'first_name': sorted(first), 'last_name': sorted(set(getattr(p, 'last_names', ())))}
print(json.dumps(out))
`;
let pyVersion;
let pyLists;
try {
  pyLists = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PY_DUMP, ...PY_LOCALES], { encoding: 'utf8' }));
  pyVersion = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'python3-fake-factory'], { encoding: 'utf8' }).trim();
} catch {
  console.error('generate_names: python3-fake-factory is missing (apt-get install python3-fake-factory)');
  process.exit(2);
}

function collect(field) {
  const names = new Map();  // word -> set of locales
  const sources = [
    ...LOCALES.map((loc) => [loc, faker[loc]?.person?.[field]]),
    ...PY_LOCALES.map((loc) => [`py:${loc}`, pyLists[loc]?.[field]]),
  ];
  for (const [loc, list] of sources) {
    if (!list) continue;
    for (const raw of flatten(list)) {
      for (const part of String(raw).split(/[\s]+/)) {
        const pieces = part.includes('-') ? [part, ...part.split('-')] : [part];
        for (const piece of pieces) {
          if (piece.length < 2 || !NAME.test(piece)) continue;
          for (const v of variants(piece)) {
            if (!names.has(v)) names.set(v, new Set());
            names.get(v).add(loc);
          }
        }
      }
    }
  }
  return names;
}

function render(field, title) {
  const names = collect(field);
  const lines = [
    `# ${title}: generated by tests/build/generate_names.mjs; do not edit.`,
    `# Sources: @faker-js/faker ${fakerVersion} (MIT), person.${field} of the locales`,
    `# ${LOCALES.join(' ')};`,
    `# and Debian python3-fake-factory ${pyVersion} (Python Faker, MIT), person providers`,
    `# ${PY_LOCALES.join(' ')}.`,
    '# A leading "~" marks a name that is also an everyday English or Danish word',
    '# (Debian wbritish and wdanish word lists): the scrubber takes those as names only',
    '# where the context says so.',
  ];
  const words = [...names.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const w of words) {
    lines.push(everyday.has(w.toLowerCase()) ? `~${w}` : w);
  }
  return { text: `${lines.join('\n')}\n`, count: words.length };
}

let stale = false;
for (const [field, file, title] of [['first_name', 'given.txt', 'Given names'], ['last_name', 'surnames.txt', 'Surnames']]) {
  const target = path.join(root, 'server', 'privacy', 'names', file);
  const { text, count } = render(field, title);
  if (check) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
    if (current !== text) {
      console.error(`generate_names: ${path.relative(root, target)} is stale; run node tests/build/generate_names.mjs .`);
      stale = true;
    }
  } else {
    writeFileSync(target, text);
    console.log(`${path.relative(root, target)}: ${count} names`);
  }
}
process.exit(stale ? 1 : 0);
