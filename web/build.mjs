// Builds the dashboard bundle: protobuf code generated from proto/, a type check, and one
// minified script, one stylesheet, the page, the web app manifest and its icons (drawn by
// icons.mjs), and the service worker (sw.js: the app shell's cache, notifications from Web
// Push), the text files each with a gzip twin. CMake calls it as
//   node web/build.mjs --out <build>/web/dist
// and embeds the results into the gadehold binary. Nothing is fetched here: npm ci did that.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, constants as zlib } from "node:zlib";
import { checkMessages } from "./check_messages.mjs";
import { ICONS, writeIcons } from "./icons.mjs";

const webDir = dirname(fileURLToPath(import.meta.url));
const protoDir = resolve(webDir, "..", "proto");
const bin = (name) => join(webDir, "node_modules", ".bin", name);
// The budget the issue sets for the whole page, gzipped.
const GZIP_BUDGET = 250 * 1024;
// The files with a gzip twin; the icons are PNG (and one ICO of PNGs), compressed already.
const TEXT_FILES = ["index.html", "app.js", "app.css", "sw.js", "manifest.webmanifest"];
// The app shell the service worker keeps for a reload with no network (src/sw/shell.ts):
// every file the server serves but the worker itself. Paths, "/" for index.html.
const SHELL_FILES = ["index.html", "app.js", "app.css", "manifest.webmanifest", ...ICONS.map((i) => i.name),
  "favicon.ico"];

function parseArgs(argv) {
  const args = { out: null, checkOnly: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") args.out = argv[++i];
    else if (argv[i] === "--check-only") args.checkOnly = true;
    else fail(`unknown argument ${argv[i]}`);
  }
  if (!args.out && !args.checkOnly) fail("usage: node build.mjs --out <dir> | --check-only");
  args.out = resolve(args.out ?? join(webDir, "node_modules", ".gadehold-check"));
  return args;
}

function fail(message) {
  console.error(`build.mjs: ${message}`);
  process.exit(1);
}

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: webDir, stdio: "inherit" });
  if (result.status !== 0) fail(`${relative(webDir, cmd)} ${args.slice(0, 2).join(" ")} … failed`);
}

function generateProto(genDir) {
  mkdirSync(genDir, { recursive: true });
  const protos = readdirSync(join(protoDir, "gadehold", "v1"))
    .filter((f) => f.endsWith(".proto"))
    .sort()
    .map((f) => join(protoDir, "gadehold", "v1", f));
  const common = ["-t", "static-module", "--force-number", "--no-convert", "--no-verify", "--no-delimited",
    "-p", protoDir];
  // ES module for the page (with comments, which pbts turns into types) ...
  run(bin("pbjs"), [...common, "-w", "es6", "-o", join(genDir, "proto.js"), ...protos]);
  run(bin("pbts"), ["-o", join(genDir, "proto.d.ts"), join(genDir, "proto.js")]);
  // ... and CommonJS for the browser tests' protocol client.
  run(bin("pbjs"), [...common, "-w", "commonjs", "-o", join(genDir, "proto.cjs"), ...protos]);
}

// The words: every language names exactly the keys of English (the type check holds the
// code to English's keys), with the same placeholders, so no text falls back to English or
// to its key; and every row of proto/gadehold/v1/reasons.tsv has its text in each
// (check_messages.mjs, which names what is missing).
function checkWords() {
  const problems = checkMessages(join(webDir, "src", "messages"), join(protoDir, "gadehold", "v1", "reasons.tsv"));
  if (problems.length) fail(`the message files are incomplete:\n  ${problems.join("\n  ")}`);
}

function typecheck(outDir, genDir) {
  // A tsconfig in the build folder that sees the generated module as "@proto". The service
  // worker's entry is checked apart, against the worker's globals instead of the page's.
  const config = {
    extends: join(webDir, "tsconfig.json"),
    compilerOptions: { noEmit: true, baseUrl: webDir, paths: { "@proto": [join(genDir, "proto")] } },
    include: [join(webDir, "src")],
    exclude: [join(webDir, "src", "sw", "sw.ts")],
  };
  const path = join(outDir, "tsconfig.build.json");
  writeFileSync(path, JSON.stringify(config, null, 2));
  run(bin("tsc"), ["-p", path]);
  const worker = {
    extends: join(webDir, "tsconfig.json"),
    compilerOptions: { noEmit: true, lib: ["ES2020", "WebWorker"] },
    include: [],
    files: [join(webDir, "src", "sw", "sw.ts")],
  };
  const workerPath = join(outDir, "tsconfig.sw.json");
  writeFileSync(workerPath, JSON.stringify(worker, null, 2));
  run(bin("tsc"), ["-p", workerPath]);
}

async function bundle(outDir, genDir) {
  const esbuild = await import("esbuild");
  // Both scripts: one minified classic script each, for the browsers of 2020 on.
  const script = {
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020"],
    legalComments: "none",
    charset: "utf8",
    logLevel: "warning",
  };
  await esbuild.build({
    ...script,
    entryPoints: [join(webDir, "src", "main.ts")],
    outfile: join(outDir, "app.js"),
    // The generated module sits in the build folder: its imports resolve from web/.
    nodePaths: [join(webDir, "node_modules")],
    alias: {
      "@proto": join(genDir, "proto.js"),
      // protobufjs uses long.js for 64-bit fields when it finds it; the page wants plain
      // numbers (every 64-bit field is a time in ms or a counter below 2^53).
      long: join(webDir, "src", "no-long.ts"),
    },
  });
  await esbuild.build({
    entryPoints: [join(webDir, "src", "app.css")],
    outfile: join(outDir, "app.css"),
    bundle: true,
    minify: true,
    logLevel: "warning",
  });
  writeFileSync(join(outDir, "index.html"), readFileSync(join(webDir, "src", "index.html")));
  // The web app manifest: display "standalone" makes the page a web app once added to the
  // home screen, which iOS requires before it delivers Web Push.
  const manifest = readFileSync(join(webDir, "src", "manifest.webmanifest"), "utf8");
  checkManifest(manifest);
  writeFileSync(join(outDir, "manifest.webmanifest"), manifest);
  writeIcons(outDir);
  // The service worker: a classic script of its own (no protobuf, no page code), served at
  // /sw.js so that its scope is the whole origin. Built last: it carries the hash of every
  // other file, so each build has its own shell cache and is a new worker to the browser.
  const version = createHash("sha256");
  for (const name of SHELL_FILES) version.update(`${name}\0`).update(readFileSync(join(outDir, name)));
  await esbuild.build({
    ...script,
    entryPoints: [join(webDir, "src", "sw", "sw.ts")],
    outfile: join(outDir, "sw.js"),
    plugins: [notificationTextsOnly],
    define: {
      __GADEHOLD_SHELL_VERSION__: JSON.stringify(version.digest("hex").slice(0, 16)),
      __GADEHOLD_SHELL_FILES__: JSON.stringify(SHELL_FILES.map((n) => (n === "index.html" ? "/" : `/${n}`))),
    },
  });
}

// The worker needs only the notifications' texts of each message file (sw/notification.ts),
// not the whole app's.
const notificationTextsOnly = {
  name: "notification-texts-only",
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]messages[\\/][a-z]+\.json$/ }, (args) => {
      const all = JSON.parse(readFileSync(args.path, "utf8"));
      const kept = Object.fromEntries(Object.entries(all).filter(([k]) => /^(push|alerts\.kind)\./.test(k)));
      return { contents: JSON.stringify(kept), loader: "json" };
    });
  },
};

// The manifest is JSON, and each icon it names is one icons.mjs draws, at that size.
function checkManifest(text) {
  let manifest;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    fail(`manifest.webmanifest: ${e.message}`);
  }
  for (const icon of manifest.icons ?? []) {
    const drawn = ICONS.find((i) => `/${i.name}` === icon.src);
    if (!drawn || icon.sizes !== `${drawn.size}x${drawn.size}` || icon.purpose !== drawn.purpose) {
      fail(`manifest.webmanifest: icon ${JSON.stringify(icon)} is not one icons.mjs draws`);
    }
  }
}

function compress(outDir) {
  let total = 0;
  const rows = [];
  for (const name of TEXT_FILES) {
    const raw = readFileSync(join(outDir, name));
    // gzip -9 without a file name or time stamp, so the same input gives the same bytes.
    const gz = gzipSync(raw, { level: zlib.Z_BEST_COMPRESSION });
    writeFileSync(join(outDir, `${name}.gz`), gz);
    total += gz.length;
    rows.push(`${name} ${raw.length} B, gzip ${gz.length} B, sha256 ${createHash("sha256").update(raw).digest("hex").slice(0, 12)}`);
  }
  // The icons count as they are sent: the favicon with the page, the others when the
  // browser installs the app or the worker keeps the shell.
  for (const name of SHELL_FILES.filter((n) => !TEXT_FILES.includes(n))) {
    const raw = readFileSync(join(outDir, name));
    total += raw.length;
    rows.push(`${name} ${raw.length} B, sha256 ${createHash("sha256").update(raw).digest("hex").slice(0, 12)}`);
  }
  for (const row of rows) console.log(`build.mjs: ${row}`);
  console.log(`build.mjs: total gzip ${total} B (budget ${GZIP_BUDGET} B)`);
  if (total > GZIP_BUDGET) fail(`the page is ${total} B gzipped, over the ${GZIP_BUDGET} B budget`);
}

const args = parseArgs(process.argv.slice(2));
const genDir = join(args.out, "gen");
mkdirSync(args.out, { recursive: true });
checkWords();
generateProto(genDir);
typecheck(args.out, genDir);
if (!args.checkOnly) {
  // esbuild has printed its errors already; a stack trace would add nothing.
  await bundle(args.out, genDir).catch(() => fail("esbuild failed"));
  compress(args.out);
}
