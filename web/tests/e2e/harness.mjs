// The browser tests' harness: a real `gadehold serve` on 127.0.0.1 with a temporary
// SQLite database, a protocol client (ws + the generated protobuf module) that provisions
// everything through the real protocol, and Chromium through playwright-core.
//
// Inputs (set by the ctest registration in tests/CMakeLists.txt):
//   GADEHOLD_BIN        the gadehold binary
//   GADEHOLD_WEB_DIST   the bundle folder; gen/proto.cjs is loaded from it
//   GADEHOLD_ARTIFACTS  folder for screenshots (created)
//   NODE_PATH           <web>/node_modules, so that gen/proto.cjs finds protobufjs/minimal
//   GADEHOLD_CHROMIUM   optional; default /usr/bin/chromium. Never downloaded.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import Module, { createRequire } from "node:module";
import { after, before } from "node:test";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const webNodeModules = join(webDir, "node_modules");
export const requireWeb = createRequire(join(webDir, "package.json"));

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the ctest registration sets it)`);
  return value;
}

export const config = {
  get bin() {
    return required("GADEHOLD_BIN");
  },
  get dist() {
    return required("GADEHOLD_WEB_DIST");
  },
  get artifacts() {
    const dir = required("GADEHOLD_ARTIFACTS");
    mkdirSync(dir, { recursive: true });
    return dir;
  },
};

// ---------------------------------------------------------------------------------------
// The generated protobuf module (CommonJS, from build.mjs), with 64-bit fields as numbers.

let protoRoot = null;

export function proto() {
  if (protoRoot) return protoRoot;
  // gen/proto.cjs does require("protobufjs/minimal"); it sits in the build folder, far from
  // web/node_modules, so it resolves through NODE_PATH. Set it if the caller did not.
  const paths = (process.env.NODE_PATH ?? "").split(":").filter(Boolean);
  if (!paths.includes(webNodeModules)) {
    process.env.NODE_PATH = [webNodeModules, ...paths].join(":");
    Module._initPaths();
  }
  const protobuf = requireWeb("protobufjs/minimal");
  // Before the module loads: its int64 defaults are made at load time.
  protobuf.util.Long = null;
  protobuf.configure();
  const file = join(config.dist, "gen", "proto.cjs");
  if (!existsSync(file)) throw new Error(`${file} does not exist: build the bundle first`);
  const loaded = createRequire(file)(file);
  assert.equal(createRequire(file).resolve("protobufjs/minimal"), requireWeb.resolve("protobufjs/minimal"),
    "gen/proto.cjs must load the same protobufjs as the harness");
  protoRoot = loaded.gadehold.v1;
  return protoRoot;
}

export function enumName(enumObject, value) {
  for (const [name, v] of Object.entries(enumObject)) if (v === value) return name;
  return String(value);
}

// ---------------------------------------------------------------------------------------
// The server.

const liveServers = new Set();
process.on("exit", () => {
  for (const s of liveServers) {
    try {
      s.proc.kill("SIGKILL");
    } catch {}
    rmSync(s.dir, { recursive: true, force: true });
  }
});

function runOnce(bin, args) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolveRun(out);
      else reject(new Error(`${bin} ${args.join(" ")} exited ${code}: ${err}${out}`));
    });
  });
}

export function httpGet(url, headers = {}) {
  return new Promise((resolveGet, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolveGet({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${url}: timeout`)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export { sleep };

export class Server {
  static async start({ extraArgs = [] } = {}) {
    const s = new Server();
    s.dir = mkdtempSync(join(tmpdir(), "gadehold-e2e-"));
    s.db = join(s.dir, "gadehold.db");
    s.log = [];
    try {
      const initOut = await runOnce(config.bin, ["init", "--db", s.db]);
      // The first coordinator's invite code is the last line of the output.
      s.inviteCode = initOut.trim().split("\n").pop().trim();
      assert.match(s.inviteCode, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/, `gadehold init printed: ${initOut}`);
      // The metrics listener on a free port too: e2e servers run side by side.
      s.proc = spawn(config.bin, ["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--db", s.db,
        "--threads", "2", ...extraArgs], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      s.extraArgs = extraArgs;
      liveServers.add(s);
      s.exited = new Promise((r) => s.proc.on("exit", (code, signal) => r({ code, signal })));
      s.port = await s.#waitForPort();
      s.origin = `http://127.0.0.1:${s.port}`;
      s.metricsOrigin = `http://127.0.0.1:${s.metricsPort}`;
      s.wsUrl = `ws://127.0.0.1:${s.port}/v1/ws`;
      await s.#waitHealthy();
      return s;
    } catch (e) {
      await s.stop();
      throw e;
    }
  }

  #waitForPort() {
    return new Promise((resolvePort, reject) => {
      let pending = "";
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${this.log.join("\n")}`)), 20000);
      this.proc.stderr.setEncoding("utf8");
      this.proc.stderr.on("data", (chunk) => {
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop();
        for (const line of lines) {
          this.log.push(line);
          if (this.log.length > 400) this.log.shift();
          // Logged before "listening on": /metrics and the full /healthz are served there.
          const metrics = /serving metrics on [0-9.]+:(\d+)/.exec(line);
          if (metrics) this.metricsPort = Number(metrics[1]);
          const m = /listening on [0-9.]+:(\d+)/.exec(line);
          if (m) {
            clearTimeout(timer);
            resolvePort(Number(m[1]));
          }
        }
      });
      this.proc.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited ${code}:\n${this.log.join("\n")}`));
      });
    });
  }

  async #waitHealthy() {
    const deadline = Date.now() + 20000;
    let last = "";
    while (Date.now() < deadline) {
      try {
        const r = await httpGet(`${this.origin}/healthz`);
        if (r.status === 200) return;
        last = `${r.status} ${r.body}`;
      } catch (e) {
        last = String(e);
      }
      await sleep(100);
    }
    throw new Error(`/healthz never answered 200: ${last}`);
  }

  logTail(n = 40) {
    return this.log.slice(-n).join("\n");
  }

  /**
   * Stops the server process for real (SIGTERM), keeping its database: the page's socket
   * closes and every fetch, the service worker's too, fails to connect. (context.setOffline
   * alone stops neither an open WebSocket nor a service worker's fetches in Chromium.)
   */
  async halt() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill("SIGTERM");
    this.proc.kill("SIGCONT"); // a frozen server would never handle its SIGTERM
    let timer;
    const done = await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, 15000, null)))]);
    clearTimeout(timer);
    if (!done) {
      this.proc.kill("SIGKILL");
      await this.exited;
    }
  }

  /**
   * Freezes the server process (SIGSTOP): its sockets stay open and nothing answers, as
   * with a hung server or a dead network path. Always thaw() in a finally.
   */
  freeze() {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGSTOP");
  }

  /** Lets a frozen server run on (SIGCONT). */
  thaw() {
    if (this.proc && this.proc.exitCode === null) this.proc.kill("SIGCONT");
  }

  /** Starts a halted server again on the same port and database (the page's origin stays). */
  async resume({ extraArgs = this.extraArgs ?? [] } = {}) {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) return;
    this.proc = spawn(config.bin, ["serve", "--listen", `127.0.0.1:${this.port}`, "--metrics-listen", "127.0.0.1:0",
      "--db", this.db, "--threads", "2", ...extraArgs], { stdio: ["ignore", "ignore", "pipe"] });
    this.exited = new Promise((r) => this.proc.on("exit", (code, signal) => r({ code, signal })));
    const port = await this.#waitForPort();
    assert.equal(port, this.port, "the server came back on another port");
    this.metricsOrigin = `http://127.0.0.1:${this.metricsPort}`;
    await this.#waitHealthy();
  }

  async stop() {
    await this.halt();
    liveServers.delete(this);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// The protocol client.

export class ProtocolError extends Error {
  constructor(request, error) {
    const v1 = proto();
    const code = enumName(v1.ErrorCode, error.code);
    super(`${request}: ${code}${error.field ? ` field=${error.field}` : ""}: ${error.message}`);
    this.code = code;
    this.field = error.field;
  }
}

export class Client {
  static connect(server) {
    const WebSocket = requireWeb("ws");
    const c = new Client();
    c.events = [];
    c.pending = new Map();
    c.nextId = 1;
    c.waiters = new Set();
    c.closed = null;
    c.ws = new WebSocket(server.wsUrl, { perMessageDeflate: false });
    c.ws.binaryType = "nodebuffer";
    c.ws.on("message", (data) => c.#onMessage(data));
    c.ws.on("error", (err) => (c.lastError = err)); // reported through open/close; never unhandled
    c.ws.on("close", (code, reason) => {
      c.closed = { code, reason: String(reason) };
      for (const { reject } of c.pending.values()) reject(new Error(`socket closed ${code} ${reason}`));
      c.pending.clear();
    });
    return new Promise((resolveOpen, reject) => {
      c.ws.once("open", () => resolveOpen(c));
      c.ws.once("error", reject);
    });
  }

  /** A client that redeemed an invite; .welcome holds the Welcome (with the device token). */
  static async redeem(server, inviteCode, handle, deviceName = "e2e protocol client") {
    const c = await Client.connect(server);
    c.welcome = await c.request("redeemInvite", { inviteCode, handle, deviceName }, "welcome");
    return c;
  }

  static async hello(server, deviceToken) {
    const c = await Client.connect(server);
    c.welcome = await c.request("hello", { protocolVersion: 1, deviceToken }, "welcome");
    return c;
  }

  #onMessage(data) {
    const v1 = proto();
    const msg = v1.ServerMessage.decode(data);
    const id = Number(msg.requestId);
    if (id !== 0 && this.pending.has(id)) {
      const p = this.pending.get(id);
      this.pending.delete(id);
      p.resolve(msg);
      return;
    }
    if (msg.body === "event") {
      this.events.push(msg.event);
      for (const w of [...this.waiters]) w();
    }
  }

  /** Sends one request and returns the whole ServerMessage that answers it. */
  send(kind, payload) {
    const v1 = proto();
    const requestId = this.nextId++;
    const bytes = v1.ClientMessage.encode({ requestId, [kind]: payload }).finish();
    return new Promise((resolveReply, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`${kind}: no reply in 10 s`));
      }, 10000);
      this.pending.set(requestId, {
        resolve: (m) => {
          clearTimeout(timer);
          resolveReply(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(bytes, (err) => err && reject(err));
    });
  }

  /** Sends a request; returns the reply's body (of type `expect`, default ack) or throws ProtocolError. */
  async request(kind, payload, expect = "ack") {
    const reply = await this.send(kind, payload);
    if (reply.body === "error") throw new ProtocolError(kind, reply.error);
    assert.equal(reply.body, expect, `${kind}: expected ${expect}, got ${reply.body}`);
    return reply[expect];
  }

  /** Waits for a pushed event matching pred (also among those already received). */
  waitForEvent(pred, timeoutMs = 5000, what = "event") {
    const found = this.events.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolveEvent, reject) => {
      const check = () => {
        const e = this.events.find(pred);
        if (e) {
          cleanup();
          resolveEvent(e);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${this.events.map((e) => e.kind).join(", ")}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  close() {
    if (this.ws.readyState <= 1) this.ws.close();
  }
}

export const newClientId = () => randomUUID();

// Geohash: the centre of a prefix, so that check-ins land in the area.
export function geohashCentre(hash) {
  const base32 = "0123456789bcdefghjkmnpqrstuvwxyz";
  let lat = [-90, 90];
  let lon = [-180, 180];
  let even = true;
  for (const ch of hash) {
    const bits = base32.indexOf(ch);
    for (let b = 4; b >= 0; b--) {
      const range = even ? lon : lat;
      const mid = (range[0] + range[1]) / 2;
      if ((bits >> b) & 1) range[0] = mid;
      else range[1] = mid;
      even = !even;
    }
  }
  return { lat: (lat[0] + lat[1]) / 2, lon: (lon[0] + lon[1]) / 2 };
}

// ---------------------------------------------------------------------------------------
// Provisioning through the real protocol: coordinator, team, area, invites, volunteers.

export const AREA_PREFIX = "u1zr";

export class World {
  static async create(server, { teamName = "Night team", areaName = "Harbour" } = {}) {
    const v1 = proto();
    const w = new World();
    w.server = server;
    w.v1 = v1;
    w.clients = [];
    w.coord = await Client.redeem(server, server.inviteCode, "coord-e2e", "coordinator laptop");
    w.clients.push(w.coord);
    w.teamName = teamName;
    w.areaName = areaName;
    w.teamId = (await w.coord.request("createTeam", { name: teamName })).id;
    w.areaId = (await w.coord.request("createArea", { name: areaName, geohashPrefixes: [AREA_PREFIX] })).id;
    w.where = geohashCentre(AREA_PREFIX);
    return w;
  }

  async invite(role, teamId = this.teamId) {
    const r = this.v1.Role;
    const roleValue = { volunteer: r.ROLE_VOLUNTEER, lead: r.ROLE_LEAD, coordinator: r.ROLE_COORDINATOR }[role];
    const created = await this.coord.request(
      "createInvite",
      { role: roleValue, teamId: role === "coordinator" ? "" : teamId },
      "inviteCreated",
    );
    return created.inviteCode;
  }

  /** A volunteer of the team, connected through the protocol. */
  async volunteer(handle) {
    const c = await Client.redeem(this.server, await this.invite("volunteer"), handle, `${handle} phone`);
    this.clients.push(c);
    return c;
  }

  async lead(handle) {
    const c = await Client.redeem(this.server, await this.invite("lead"), handle, `${handle} phone`);
    this.clients.push(c);
    return c;
  }

  /** Starts a patrol of `by` and `others` in the area; returns { patrolId, ackAt }. */
  async startPatrol(by, others = [], { startedAtMs = Date.now(), intervalS = 1200 } = {}) {
    const ack = await by.request("startPatrol", {
      clientId: newClientId(),
      areaId: this.areaId,
      memberIds: others.map((o) => o.welcome.volunteerId),
      checkinIntervalS: intervalS,
      startedAtMs,
    });
    return { patrolId: ack.id, ackAt: Date.now() };
  }

  checkIn(by, patrolId, status = "ok", atMs = Date.now()) {
    const s = this.v1.CheckInStatus;
    return by.request("checkIn", {
      clientId: newClientId(),
      patrolId,
      atMs,
      location: this.where,
      status: status === "need_support" ? s.CHECK_IN_STATUS_NEED_SUPPORT : s.CHECK_IN_STATUS_OK,
    });
  }

  async close() {
    for (const c of this.clients) c.close();
  }
}

// ---------------------------------------------------------------------------------------
// The browser.

export const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchBrowser() {
  const { chromium } = requireWeb("playwright-core");
  return chromium.launch({
    executablePath: process.env.GADEHOLD_CHROMIUM || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
}

// A phone with touch whose position is Liverpool city centre (the volunteer's tests); pass
// as withPage's contextOptions with viewport PHONE.
export const LIVERPOOL = { latitude: 53.4055, longitude: -2.9807 };
export const MOBILE = {
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
  geolocation: LIVERPOOL,
  permissions: ["geolocation"],
};
// With the server stopped, Chromium reports the page's failed socket and the worker's
// failed fetches as console errors: expected in the tests that stop it (withPage's
// allowConsole).
export const OFFLINE_CONSOLE = [/WebSocket connection to .* failed/, /ERR_CONNECTION_REFUSED/,
  /Failed to (update|register) a ServiceWorker/, /An unknown error occurred when fetching the script/,
  /Failed to load resource/];
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

function allowedUrl(url, server) {
  if (/^(data|blob|about):/.test(url)) return true;
  let u;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const host = `127.0.0.1:${server.port}`;
  return (u.protocol === "http:" || u.protocol === "ws:") && u.host === host;
}

/**
 * A fresh context and page with the checks every test makes: no request to another
 * origin (recorded, and aborted so nothing leaves the machine), no CSP violation, no
 * console error or uncaught exception. `fn(session)` runs the test; a full-page
 * screenshot `<artifacts>/<name>.png` is taken at its end (also when it fails).
 */
export async function withPage(browser, server, name, fn,
  { viewport = DESKTOP, allowConsole = [], acceptDownloads = false, serviceWorkers = "block", initScripts = [],
    contextOptions = {} } = {}) {
  const context = await browser.newContext({
    // More of Playwright's context options (volunteer.test.mjs: isMobile, hasTouch,
    // geolocation and its permission); the ones named here win.
    ...contextOptions,
    viewport,
    acceptDownloads,
    locale: "en-GB",
    timezoneId: "Europe/Copenhagen",
    // "allow" only for the tests of /sw.js (push.test.mjs, headers.test.mjs).
    serviceWorkers,
  });
  // Before the page's own scripts, in every page of the context (push.test.mjs's stand-in
  // for the browser's push service).
  for (const script of initScripts) await context.addInitScript(script);
  const s = {
    context,
    server,
    requests: [],
    outside: [],
    websockets: [],
    csp: [],
    consoleErrors: [],
    pageErrors: [],
  };
  context.on("request", (req) => {
    s.requests.push(req.url());
    if (!allowedUrl(req.url(), server)) s.outside.push(`${req.method()} ${req.url()}`);
  });
  await context.route(
    (url) => !allowedUrl(url.href, server),
    (route) => {
      s.outside.push(`${route.request().method()} ${route.request().url()} (aborted)`);
      return route.abort("blockedbyclient");
    },
  );
  await context.exposeBinding("__e2eReportCsp", (_source, v) => s.csp.push(v));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__e2eReportCsp(
        `${e.effectiveDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber} ${e.sample || ""}`,
      );
    });
  });
  const page = await context.newPage();
  s.page = page;
  page.on("websocket", (ws) => {
    s.websockets.push(ws.url());
    if (!allowedUrl(ws.url(), server)) s.outside.push(`WebSocket ${ws.url()}`);
  });
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    if (/Content Security Policy/i.test(text)) s.csp.push(`console: ${text}`);
    if (!allowConsole.some((re) => re.test(text))) s.consoleErrors.push(text);
  });
  page.on("pageerror", (err) => s.pageErrors.push(String(err && err.stack ? err.stack : err)));

  let failure = null;
  try {
    await fn(s);
  } catch (e) {
    failure = e;
  }
  try {
    if (!page.isClosed()) {
      await page.screenshot({ path: join(config.artifacts, `${name}${failure ? "-failed" : ""}.png`), fullPage: true });
    }
  } catch (e) {
    if (!failure) failure = e;
  }
  await context.close();
  const problems = [];
  if (s.outside.length) problems.push(`requests to other origins:\n  ${s.outside.join("\n  ")}`);
  if (s.csp.length) problems.push(`CSP violations:\n  ${[...new Set(s.csp)].join("\n  ")}`);
  if (s.pageErrors.length) problems.push(`uncaught exceptions:\n  ${s.pageErrors.join("\n  ")}`);
  if (s.consoleErrors.length) problems.push(`console errors:\n  ${s.consoleErrors.join("\n  ")}`);
  if (failure) {
    if (problems.length) failure.message += `\n(also: ${problems.join("\n")})`;
    failure.message += `\n(server log, last lines:\n${server.logTail(15)})`;
    throw failure;
  }
  assert.equal(problems.length, 0, problems.join("\n"));
  return s;
}

// ---------------------------------------------------------------------------------------
// Page helpers.

export const tid = (page, id) => page.locator(`[data-testid="${id}"]`);

export async function visible(locator, what, timeout = 5000) {
  try {
    await locator.first().waitFor({ state: "visible", timeout });
  } catch (e) {
    throw new Error(`${what} did not become visible within ${timeout} ms (${e.message.split("\n")[0]})`);
  }
}

export async function gone(locator, what, timeout = 5000) {
  try {
    await locator.first().waitFor({ state: "hidden", timeout });
  } catch (e) {
    throw new Error(`${what} did not disappear within ${timeout} ms (${e.message.split("\n")[0]})`);
  }
}

export async function isShown(locator) {
  return (await locator.count()) > 0 && (await locator.first().isVisible());
}

/**
 * Redeems an invite in the page's sign-in view and waits for the board (a volunteer's
 * invite: for the volunteer's views, `volunteer-shell`).
 */
/**
 * Makes a patrol silent for `minutes`: the server's timer for it turned back in its real
 * database (the watchdog reads the timers from there every second), since the shortest
 * check-in interval (60 s) and the grace would otherwise take minutes to run out. Needs
 * the sqlite3 shell (deploy/install-deps.sh). Returns the new due time.
 */
export function silenceInDatabase(server, patrolId, minutes, intervalS, graceS) {
  const last = Date.now() - minutes * 60_000;
  const due = last + (intervalS + graceS) * 1000;
  execFileSync("sqlite3", ["-cmd", ".timeout 5000", server.db,
    `UPDATE patrols SET last_activity_ms = ${last}, due_at_ms = ${due} WHERE id = '${patrolId.replace(/'/g, "")}'`]);
  return due;
}

export async function signIn(page, server, { code, handle, device = "e2e browser" }) {
  await page.goto(`${server.origin}/`);
  await visible(tid(page, "view-signin"), "view-signin");
  await tid(page, "invite-code").fill(code);
  await tid(page, "handle").fill(handle);
  await tid(page, "device-name").fill(device);
  await tid(page, "redeem-submit").click();
  await visible(page.locator('[data-testid="view-board"], [data-testid="volunteer-shell"]'),
    "view-board (or a volunteer's volunteer-shell) after redeem-submit", 10000);
}

/** The stored device token: IndexedDB db `gadehold`, store `device`, key `token`. */
export function storedToken(page) {
  return page.evaluate(
    () =>
      new Promise((resolveToken, reject) => {
        const open = indexedDB.open("gadehold");
        open.onerror = () => reject(new Error(`indexedDB.open: ${open.error}`));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("device")) {
            db.close();
            resolveToken({ missing: `no store "device"; stores: ${[...db.objectStoreNames].join(",")}` });
            return;
          }
          const get = db.transaction("device", "readonly").objectStore("device").get("token");
          get.onsuccess = () => {
            db.close();
            resolveToken({ value: get.result ?? null });
          };
          get.onerror = () => reject(new Error(`get token: ${get.error}`));
        };
      }),
  );
}

/**
 * A control of the dashboard's header (`lang`, `sound-toggle`, `mode-volunteer`, `sign-out`):
 * on a phone they are inside the menu, which this opens first when it is closed.
 */
export async function headerTool(page, id) {
  const tool = tid(page, id);
  if (!(await tool.isVisible()) && (await tid(page, "header-menu").isVisible())) {
    await tid(page, "header-menu").click();
  }
  await visible(tool, `${id} in the header`);
  return tool;
}

/** Signs out through the confirmation dialog (`signout-confirm`). */
export async function signOutConfirmed(page) {
  await (await headerTool(page, "sign-out")).click();
  await visible(tid(page, "signout-confirm"), "the sign-out confirmation");
  await tid(page, "signout-confirm-yes").click();
}

export async function openView(page, nav, view) {
  await tid(page, nav).click();
  await visible(tid(page, view), view);
  assert.equal(await tid(page, nav).getAttribute("aria-current"), "page", `${nav} should carry aria-current="page"`);
}

// Shift planner helpers, shared by the shifts and reconnect tests.
// Tomorrow in the page's time zone, and the shift's start and end there (ms since the epoch).
export function tomorrowAt(page, start, end) {
  return page.evaluate(
    ([start, end]) => {
      const now = new Date();
      const day = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
      const pad = (n) => String(n).padStart(2, "0");
      const at = (hm) => {
        const [h, m] = hm.split(":").map(Number);
        return new Date(day.getFullYear(), day.getMonth(), day.getDate(), h, m).getTime();
      };
      return { date: `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`, startMs: at(start), endMs: at(end) };
    },
    [start, end],
  );
}

export async function showDay(page, date) {
  const column = page.locator(`[data-testid="day"][data-date="${date}"]`);
  if (!(await isShown(column))) {
    await tid(page, "week-next").click(); // tomorrow is in next week when today is Sunday
  }
  await visible(column, `day column ${date}`);
  return column;
}

// ---------------------------------------------------------------------------------------
// axe-core.

let axeSource = null;

/** Runs axe (WCAG 2 A/AA + best practice); fails on serious or critical violations. */
export async function axeCheck(page, label, { rules = null } = {}) {
  axeSource ??= readFileSync(requireWeb.resolve("axe-core/axe.min.js"), "utf8");
  // Not addScriptTag: the page's CSP forbids inline scripts.
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.evaluate(axeSource);
  // `rules`: only those axe rules (a11y.test.mjs's dark theme: the ones about colour).
  const runOnly = rules ? { type: "rule", values: rules } : { type: "tag", values: ["wcag2a", "wcag2aa", "best-practice"] };
  const result = await page.evaluate((only) => window.axe.run(document, { runOnly: only }), runOnly);
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const text = bad
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(" ")}: ${n.failureSummary.replace(/\n/g, " ")}`)
          .join("\n"),
    )
    .join("\n");
  assert.equal(bad.length, 0, `axe (${label}): ${bad.length} serious/critical violations\n${text}`);
  return result;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(config.artifacts, `${name}.png`), fullPage: true });
}

// ---------------------------------------------------------------------------------------
// Per test file: one server with a fresh database, the coordinator's world, one browser.

// `prepare(ctx)` runs after them, in the same hook (separate root-level hooks may overlap).
export function setup({ extraArgs = [], prepare = null, world = true } = {}) {
  const ctx = {};
  before(async () => {
    ctx.server = await Server.start({ extraArgs });
    if (world) ctx.world = await World.create(ctx.server);
    ctx.browser = await launchBrowser();
    if (prepare) await prepare(ctx);
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.world?.close();
    await ctx.server?.stop();
  });
  return ctx;
}
