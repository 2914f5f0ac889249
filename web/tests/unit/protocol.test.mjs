// Unit tests of the page's protocol client (web/src/protocol/): backoff, request matching,
// reconnecting, the offline outbox and catching up with Sync. The module is bundled from
// its TypeScript with esbuild, as the page is, and runs in Node against a real
// `gadehold serve` on 127.0.0.1 with a temporary SQLite database, over the `ws` package's
// WebSocket (the same interface as the browser's). The outbox's store here is a Map: the
// page's IndexedDB store is exercised by web/tests/e2e/outbox.test.mjs in Chromium.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { Client, config, newClientId, requireWeb, Server, sleep, webDir, World } from "../e2e/harness.mjs";

let lib;
let server;
let world;
let buildDir;

async function bundle() {
  buildDir = mkdtempSync(join(tmpdir(), "gadehold-unit-"));
  const entry = join(buildDir, "entry.ts");
  writeFileSync(entry, [
    `export { Backoff } from ${JSON.stringify(join(webDir, "src/protocol/backoff.ts"))};`,
    `export { Connection, RequestError } from ${JSON.stringify(join(webDir, "src/protocol/connection.ts"))};`,
    `export { Outbox, isPending } from ${JSON.stringify(join(webDir, "src/protocol/outbox.ts"))};`,
    `export { syncSince } from ${JSON.stringify(join(webDir, "src/protocol/sync.ts"))};`,
    `export { pb } from ${JSON.stringify(join(webDir, "src/proto.ts"))};`,
  ].join("\n"));
  const esbuild = requireWeb("esbuild");
  const out = join(buildDir, "protocol.mjs");
  await esbuild.build({
    entryPoints: [entry], outfile: out, bundle: true, format: "esm", platform: "node", target: "node18",
    logLevel: "warning", nodePaths: [join(webDir, "node_modules")],
    alias: { "@proto": join(config.dist, "gen", "proto.js"), long: join(webDir, "src", "no-long.ts") },
  });
  return import(pathToFileURL(out).href);
}

// The outbox's store, in memory: what a phone's IndexedDB would hold across reloads.
class MemoryStore {
  constructor() {
    this.rows = new Map();
    this.puts = 0;
  }
  async load() {
    return [...this.rows.values()].map((e) => structuredClone(e));
  }
  async put(entry) {
    this.puts += 1;
    this.rows.set(entry.clientId, structuredClone(entry));
  }
  async remove(clientId) {
    this.rows.delete(clientId);
  }
}

function connect(token, options = {}) {
  const WebSocket = requireWeb("ws");
  const conn = new lib.Connection(server.wsUrl, {
    createSocket: (url) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      // A refused connection is an "error" event before the close: the Connection acts on
      // the close, as in the browser (where an unheard error does not throw).
      ws.on("error", () => undefined);
      return ws;
    },
    backoff: new lib.Backoff(100, 400),
    ...options,
  });
  return conn;
}

async function until(pred, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pred()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}

// The server stops and comes back on the same port and database; the harness's
// coordinator, whose socket died with it, says Hello again.
async function halt() {
  world.coordToken ??= world.coord.welcome.deviceToken;
  await server.halt();
}

async function resume() {
  await server.resume();
  // A Hello's Welcome carries no token: keep the redeem's.
  world.coordToken ??= world.coord.welcome.deviceToken;
  world.coord = await Client.hello(server, world.coordToken);
  world.clients.push(world.coord);
}

// A volunteer with a device token and the Welcome of its redeem.
async function volunteer(handle) {
  const c = await world.volunteer(handle);
  return { client: c, token: c.welcome.deviceToken, id: c.welcome.volunteerId };
}

before(async () => {
  lib = await bundle();
  server = await Server.start();
  world = await World.create(server);
});

after(async () => {
  await world?.close();
  await server?.stop();
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

describe("Backoff", () => {
  test("waits 0.5–1 of the current step, doubling to the cap, and starts over after reset", () => {
    const low = new lib.Backoff(1000, 8000, () => 0);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => low.next()), [500, 1000, 2000, 4000, 4000]);
    low.reset();
    assert.equal(low.next(), 500);
    const high = new lib.Backoff(1000, 8000, () => 1);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => high.next()), [1000, 2000, 4000, 8000, 8000]);
  });

  test("the default first wait is 0.5–1 s, as docs/protocol.md tells apps", () => {
    for (let i = 0; i < 200; i++) {
      const ms = new lib.Backoff().next();
      assert.ok(ms >= 500 && ms <= 1000, `${ms}`);
    }
  });
});

describe("Connection", () => {
  test("matches each reply to its request, whatever order they are answered in", async () => {
    const v = await volunteer("conn-match");
    const conn = connect(v.token);
    const welcome = await conn.start({ hello: { protocolVersion: 1, deviceToken: v.token } });
    assert.equal(welcome.volunteerId, v.id);
    assert.equal(conn.state, "online");
    // Pipelined: a list, a rule error and another list, each to its own caller.
    const [teams, bad, areas] = await Promise.allSettled([
      conn.call({ listTeams: {} }, "teamList"),
      conn.call({ checkIn: { clientId: newClientId(), patrolId: "pt_doesnotexist", atMs: Date.now() } }, "ack"),
      conn.call({ listAreas: {} }, "areaList"),
    ]);
    assert.equal(teams.status, "fulfilled");
    assert.ok(teams.value.teams.some((t) => t.teamId === world.teamId));
    assert.equal(bad.status, "rejected");
    assert.ok(bad.reason instanceof lib.RequestError);
    assert.ok(["NOT_FOUND", "INVALID_ARGUMENT", "FAILED_PRECONDITION"].includes(bad.reason.code), bad.reason.code);
    assert.equal(areas.status, "fulfilled");
    assert.ok(areas.value.areas.some((a) => a.areaId === world.areaId));
    conn.stop();
  });

  test("a bad token is refused and not retried", async () => {
    let opened = 0;
    const WebSocket = requireWeb("ws");
    const counted = new lib.Connection(server.wsUrl, {
      createSocket: (url) => {
        opened += 1;
        const ws = new WebSocket(url);
        ws.on("error", () => undefined);
        return ws;
      },
      backoff: new lib.Backoff(50, 100),
    });
    await assert.rejects(counted.start({ hello: { protocolVersion: 1, deviceToken: "not-a-token" } }),
      (err) => err instanceof lib.RequestError && err.code === "UNAUTHENTICATED");
    await sleep(400);
    assert.equal(opened, 1, "a refused token must not reconnect");
    assert.equal(counted.state, "offline");
  });

  test("reconnects with backoff after the server restarts, says Hello again, and a read fails fast while offline", async () => {
    const v = await volunteer("conn-restart");
    const conn = connect(v.token);
    const states = [];
    conn.subscribe((s) => states.push(s));
    let welcomes = 0;
    conn.onWelcome = () => (welcomes += 1);
    await conn.start({ hello: { protocolVersion: 1, deviceToken: v.token } });
    assert.equal(welcomes, 1);
    await halt();
    await until(() => conn.state === "connecting", "the connection to notice the restart");
    await assert.rejects(conn.call({ listTeams: {} }, "teamList"),
      (err) => err instanceof lib.RequestError && err.code === "UNAVAILABLE");
    await resume();
    await until(() => conn.state === "online", "the connection to come back");
    assert.equal(welcomes, 2);
    assert.ok((await conn.call({ listTeams: {} }, "teamList")).teams.length > 0);
    assert.ok(states.indexOf("online") < states.lastIndexOf("connecting"), states.join(" "));
    assert.equal(states.at(-1), "online");
    conn.stop();
  });
});

describe("Connection, a stored token refused for now, not for good", () => {
  // A server of its own: one second to say Hello, two failed sign-ins a minute per address.
  let strict;
  let strictWorld;

  before(async () => {
    strict = await Server.start({ extraArgs: ["--hello-timeout-s", "1", "--auth-failures-per-ip-per-min", "2"] });
    strictWorld = await World.create(strict);
  });

  after(async () => {
    await strictWorld?.close();
    await strict?.stop();
  });

  // A socket whose first connection sends its first frame only after `delayMs`.
  function slowFirstHello(delayMs) {
    const WebSocket = requireWeb("ws");
    let opened = 0;
    const factory = (url) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.on("error", () => undefined);
      if (opened++ === 0) {
        const send = ws.send.bind(ws);
        let first = true;
        ws.send = (data) => {
          if (!first) return send(data);
          first = false;
          setTimeout(() => {
            if (ws.readyState === 1) send(data);
          }, delayMs);
        };
      }
      return ws;
    };
    return { factory, opened: () => opened };
  }

  test("a Hello too slow for the server (1008 authentication timeout) is sent again, and the device stays signed in", async () => {
    const v = await strictWorld.volunteer("slow-hello");
    const token = v.welcome.deviceToken;
    const slow = slowFirstHello(2500);
    const conn = new lib.Connection(strict.wsUrl, { createSocket: slow.factory, backoff: new lib.Backoff(100, 400) });
    let signedOut = null;
    conn.onSignedOut = (err) => (signedOut = err);
    const welcome = await conn.start({ hello: { protocolVersion: 1, deviceToken: token } });
    assert.equal(welcome.volunteerId, v.welcome.volunteerId);
    assert.ok(slow.opened() >= 2, "the first connection was closed for its slow Hello");
    assert.equal(signedOut, null);
    assert.ok(strict.log.some((l) => /no Hello in time/.test(l)), "the server closed the first connection for its slow Hello");
    conn.stop();
  });

  test("an address over its budget of failed sign-ins does not sign a device out: its Hello goes again", async () => {
    const v = await strictWorld.volunteer("over-budget");
    const token = v.welcome.deviceToken;
    // The device is revoked, and the address spends its budget: the next Hello with that
    // token gets RESOURCE_EXHAUSTED, not UNAUTHENTICATED.
    await strictWorld.coord.request("revokeDevice", { deviceId: v.welcome.deviceId });
    for (let i = 0; i < 3; i++) {
      const bad = await Client.connect(strict);
      await bad.send("hello", { protocolVersion: 1, deviceToken: `not-a-token-${i}` }).catch(() => undefined);
      bad.close();
    }
    let opened = 0;
    const WebSocket = requireWeb("ws");
    const conn = new lib.Connection(strict.wsUrl, {
      createSocket: (url) => {
        opened += 1;
        const ws = new WebSocket(url);
        ws.on("error", () => undefined);
        return ws;
      },
      backoff: new lib.Backoff(100, 200),
    });
    let settled = null;
    conn.start({ hello: { protocolVersion: 1, deviceToken: token } }).then(() => (settled = "welcome"), (err) => (settled = err.code));
    await until(() => opened >= 3, "the Hello to be tried again");
    assert.equal(settled, null, "the start must neither succeed nor give up while the address is over its budget");
    assert.equal(conn.state, "connecting");
    conn.stop();
  });
});

describe("Outbox", () => {
  async function lead(handle) {
    const c = await world.lead(handle);
    return c;
  }

  test("writes made with no connection are kept, survive a reload, go in order once, and the lead gets them in order", async () => {
    const v = await volunteer("ob-order");
    const watcher = await lead("ob-order-lead");
    const store = new MemoryStore();
    // The phone, offline: the connection was never started.
    const first = new lib.Outbox(connect(v.token), store);
    const start = await first.add("startPatrol", { areaId: world.areaId, checkinIntervalS: 600, startedAtMs: Date.now() });
    const c1 = await first.add("checkIn", { atMs: Date.now(), location: world.where, status: 1 }, { patrolOf: start.clientId });
    const c2 = await first.add("checkIn", { atMs: Date.now() + 1, location: world.where, status: 1 }, { patrolOf: start.clientId });
    const note = await first.add("submitNote", { atMs: Date.now() + 2, category: 1, outcome: 1, ageBand: 2, groupSize: 3,
      text: "Talked with them near the station, call 22 33 44 55" }, { patrolOf: start.clientId });
    assert.deepEqual(first.list().map((e) => e.state), ["waiting", "waiting", "waiting", "waiting"]);
    assert.equal(store.rows.size, 4, "every write is saved before add() resolves");

    // The app is closed and opened again: a new outbox over the same store.
    const conn = connect(v.token);
    const again = new lib.Outbox(conn, store);
    await again.ready();
    assert.deepEqual(again.list().map((e) => e.clientId), [start, c1, c2, note].map((e) => e.clientId));
    await conn.start({ hello: { protocolVersion: 1, deviceToken: v.token } });
    const settled = await Promise.all([start, c1, c2, note].map((e) => again.settled(e.clientId)));
    assert.deepEqual(settled.map((e) => e.state), ["stored", "stored", "stored", "stored"]);
    const patrolId = settled[0].ackId;
    assert.match(patrolId, /^pat_/);
    assert.equal(again.pending(), 0);

    // The lead saw the patrol start, then two check-ins and the note, in that order.
    await until(() => watcher.events.filter((x) => x.checkInRecorded?.patrolId === patrolId).length === 2, "both check-ins at the lead");
    const mine = watcher.events.filter((e) => e.patrolStarted?.patrolId === patrolId || e.checkInRecorded?.patrolId === patrolId);
    assert.deepEqual(mine.map((e) => (e.patrolStarted ? "start" : "check-in")), ["start", "check-in", "check-in"]);
    const seqs = mine.map((e) => Number(e.seq));
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs);
    const times = watcher.events.filter((e) => e.checkInRecorded?.patrolId === patrolId).map((e) => Number(e.atMs));
    assert.ok(times[0] < times[1], "the check-ins keep the phone's times, in order");

    // Stored entries keep no free text and no position on the phone.
    for (const row of store.rows.values()) {
      assert.equal(row.body.text, undefined);
      assert.equal(row.body.location, undefined);
    }
    conn.stop();
    watcher.close();
  });

  test("a write whose answer was lost goes again with the same client_id and is stored once", async () => {
    const v = await volunteer("ob-dup");
    const store = new MemoryStore();
    const conn = connect(v.token);
    const box = new lib.Outbox(conn, store);
    await conn.start({ hello: { protocolVersion: 1, deviceToken: v.token } });
    const start = await box.add("startPatrol", { areaId: world.areaId, startedAtMs: Date.now() });
    const stored = await box.settled(start.clientId);
    assert.equal(stored.state, "stored");
    assert.equal(stored.duplicate, false);
    conn.stop();
    // As if the Ack had been lost: the phone still has it as sent.
    const row = store.rows.get(start.clientId);
    row.state = "sent";
    delete row.ackId;
    const conn2 = connect(v.token);
    const reopened = new lib.Outbox(conn2, store);
    await reopened.ready();
    assert.equal(reopened.find(start.clientId).state, "waiting", "sent when the app closed is waiting again");
    await conn2.start({ hello: { protocolVersion: 1, deviceToken: v.token } });
    const twice = await reopened.settled(start.clientId);
    assert.equal(twice.state, "stored");
    assert.equal(twice.duplicate, true);
    assert.equal(twice.ackId, stored.ackId, "the duplicate names the original patrol");
    const active = await conn2.call({ listActivePatrols: {} }, "activePatrols");
    assert.equal(active.patrols.filter((p) => p.patrolId === stored.ackId).length, 1);
    conn2.stop();
  });

  test("a refused write is kept with its reason, the next ones still go, and writes that needed it are refused too", async () => {
    const v = await volunteer("ob-refused");
    const store = new MemoryStore();
    const conn = connect(v.token);
    const box = new lib.Outbox(conn, store);
    // No area with this id: the server refuses the start.
    const bad = await box.add("startPatrol", { areaId: "ar_doesnotexist", startedAtMs: Date.now() });
    const linked = await box.add("checkIn", { atMs: Date.now(), status: 1 }, { patrolOf: bad.clientId });
    const good = await box.add("startPatrol", { areaId: world.areaId, startedAtMs: Date.now() });
    await conn.start({ hello: { protocolVersion: 1, deviceToken: v.token } });
    const [b, l, g] = await Promise.all([bad, linked, good].map((e) => box.settled(e.clientId)));
    assert.equal(b.state, "refused");
    assert.ok(["NOT_FOUND", "INVALID_ARGUMENT", "FAILED_PRECONDITION"].includes(b.refusal.code), b.refusal.code);
    assert.equal(b.refusal.field, "area_id");
    assert.equal(l.state, "refused");
    assert.equal(l.refusal.reason, "OUTBOX_LINK_REFUSED");
    assert.equal(g.state, "stored");
    // Refusals stay until the volunteer dismisses them.
    assert.equal(box.list().filter((e) => e.state === "refused").length, 2);
    await box.dismiss(b.clientId);
    assert.equal(box.find(b.clientId), undefined);
    assert.equal(store.rows.has(b.clientId), false);
    conn.stop();
  });

  test("writes made under one sign-in are never sent under another account on the same phone", async () => {
    const a = await volunteer("ob-owner-a");
    const b = await volunteer("ob-owner-b");
    const watcher = await lead("ob-owner-lead");
    const store = new MemoryStore();
    // The page opened with no network as A (the last sign-in), and A raised an SOS.
    const first = new lib.Outbox(connect(a.token), store);
    await first.setOwner(a.id);
    const sos = await first.add("raiseSos", { location: world.where, message: "help" });
    assert.equal(first.find(sos.clientId).owner, a.id);
    // B signs in on the same phone.
    const conn = connect(b.token);
    const box = new lib.Outbox(conn, store);
    await conn.start({ hello: { protocolVersion: 1, deviceToken: b.token } });
    const refused = await box.settled(sos.clientId);
    assert.equal(refused.state, "refused");
    assert.equal(refused.refusal.reason, "OUTBOX_OTHER_ACCOUNT");
    assert.equal(refused.body.location, undefined, "a refused entry keeps no position");
    assert.equal(refused.body.message, undefined, "a refused entry keeps no text");
    // B's own writes go.
    const mine = await box.add("startPatrol", { areaId: world.areaId, startedAtMs: Date.now() });
    assert.equal((await box.settled(mine.clientId)).state, "stored");
    await sleep(300);
    assert.equal(watcher.events.filter((e) => e.alertRaised?.kind === lib.pb.AlertKind.ALERT_KIND_SOS
      && [a.id, b.id].includes(e.alertRaised.raisedBy)).length, 0, "no SOS reached the leads");
    conn.stop();
    watcher.close();
  });

  test("signing out forgets every write, answering those still waiting as refused", async () => {
    const v = await volunteer("ob-clear");
    const store = new MemoryStore();
    const box = new lib.Outbox(connect(v.token), store);
    const waiting = await box.add("startPatrol", { areaId: world.areaId, startedAtMs: Date.now() });
    const answer = box.settled(waiting.clientId);
    assert.equal(box.pending(), 1);
    await box.clear();
    const e = await answer;
    assert.equal(e.state, "refused");
    assert.equal(e.refusal.code, "UNAUTHENTICATED");
    assert.equal(box.list().length, 0);
    assert.equal(store.rows.size, 0, "nothing is left to go out under the next sign-in");
  });

  test("an SOS goes before every check-in still waiting", async () => {
    const v = await volunteer("ob-sos");
    const watcher = await lead("ob-sos-lead");
    const store = new MemoryStore();
    const setup = connect(v.token);
    const first = new lib.Outbox(setup, store);
    await setup.start({ hello: { protocolVersion: 1, deviceToken: v.token } });
    const start = await first.settled((await first.add("startPatrol", { areaId: world.areaId, startedAtMs: Date.now() })).clientId);
    setup.stop();
    const patrolId = start.ackId;
    const conn = connect(v.token);
    const box = new lib.Outbox(conn, store);
    const checks = [];
    for (let i = 0; i < 5; i++) checks.push(await box.add("checkIn", { patrolId, atMs: Date.now() + i, status: 1 }));
    const sos = await box.add("raiseSos", { patrolId, location: world.where });
    const order = [];
    const watched = new Set([...checks, sos].map((e) => e.clientId));
    box.subscribe(() => {
      for (const e of box.list()) {
        if (watched.has(e.clientId) && e.state === "stored" && !order.includes(e.clientId)) order.push(e.clientId);
      }
    });
    await conn.start({ hello: { protocolVersion: 1, deviceToken: v.token } });
    await Promise.all([...checks, sos].map((e) => box.settled(e.clientId)));
    assert.deepEqual(box.list().filter((e) => watched.has(e.clientId)).map((e) => e.state), Array(6).fill("stored"));
    assert.equal(order[0], sos.clientId, "the SOS was stored first");
    assert.deepEqual(order.slice(1), checks.map((e) => e.clientId), "then the check-ins, in order");
    const raised = await watcher.waitForEvent((e) => e.alertRaised?.alertId === box.find(sos.clientId).ackId, 5000, "the SOS");
    assert.equal(raised.alertRaised.patrolId, patrolId);
    conn.stop();
    watcher.close();
  });

  test("I am safe waits for its SOS's id; a write made while the server is down waits and goes when it is back", async () => {
    const v = await volunteer("ob-safe");
    const store = new MemoryStore();
    const conn = connect(v.token);
    const box = new lib.Outbox(conn, store);
    const sos = await box.add("raiseSos", { location: world.where });
    const safe = await box.add("resolveAlert", { note: "" }, { alertOf: sos.clientId });
    await conn.start({ hello: { protocolVersion: 1, deviceToken: v.token } });
    const [s, r] = await Promise.all([sos, safe].map((e) => box.settled(e.clientId)));
    assert.equal(s.state, "stored");
    assert.equal(r.state, "stored", JSON.stringify(r.refusal));
    // The server goes away: the write waits on the phone, then goes.
    await halt();
    const late = await box.add("startPatrol", { areaId: world.areaId, startedAtMs: Date.now() });
    await sleep(300);
    assert.equal(box.find(late.clientId).state, "waiting");
    await resume();
    assert.equal((await box.settled(late.clientId)).state, "stored");
    conn.stop();
  });
});

describe("syncSince", () => {
  test("replays the events after a seq page by page, and asks for a resync when the seq is from the future", async () => {
    const v = await volunteer("sync-v");
    const conn = connect(v.token);
    const welcome = await conn.start({ hello: { protocolVersion: 1, deviceToken: v.token } });
    const since = Number(welcome.latestSeq);
    const { patrolId } = await world.startPatrol(v.client);
    for (let i = 0; i < 5; i++) await world.checkIn(v.client, patrolId, "ok", Date.now() + i);
    const seen = [];
    const result = await lib.syncSince(conn, since, (e) => seen.push(e), 2);
    assert.equal(result.kind, "caught-up");
    const mine = seen.filter((e) => e.patrolStarted?.patrolId === patrolId || e.checkInRecorded?.patrolId === patrolId);
    assert.equal(mine.length, 6, "the start and five check-ins, over pages of two");
    const seqs = seen.map((e) => Number(e.seq));
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs);
    assert.ok(result.lastSeq >= seqs.at(-1));
    const future = await lib.syncSince(conn, result.lastSeq + 1_000_000, () => assert.fail("no events from the future"));
    assert.deepEqual(future, { kind: "resync", error: null });
    conn.stop();
  });
});

describe("Connection, a peer that goes silent without closing", () => {
  // A stand-in server on 127.0.0.1 that answers Hello and ListTeams while `answering`, and
  // otherwise reads and answers nothing while the socket stays open, as a frozen
  // (SIGSTOPped) server does.
  let wss;
  let url;
  const peer = { answering: true, connections: 0, probes: 0, slowMs: 0 };

  before(async () => {
    const { WebSocketServer } = requireWeb("ws");
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
    await new Promise((r) => wss.once("listening", r));
    url = `ws://127.0.0.1:${wss.address().port}/v1/ws`;
    wss.on("connection", (ws) => {
      peer.connections += 1;
      ws.on("error", () => undefined);
      ws.on("message", (data) => {
        if (!peer.answering) return;
        const msg = lib.pb.ClientMessage.decode(new Uint8Array(data));
        const reply = { requestId: msg.requestId };
        if (msg.hello) reply.welcome = { handle: "silent-test", serverTimeMs: Date.now() };
        else if (msg.listTeams) {
          peer.probes += 1;
          reply.teamList = {};
        } else if (msg.listAreas) {
          // A slow answer (an export on a big database): after peer.slowMs.
          reply.areaList = {};
          setTimeout(() => ws.send(lib.pb.ServerMessage.encode(lib.pb.ServerMessage.create(reply)).finish()),
            peer.slowMs);
          return;
        } else return;
        ws.send(lib.pb.ServerMessage.encode(lib.pb.ServerMessage.create(reply)).finish());
      });
    });
  });

  after(async () => {
    for (const ws of wss?.clients ?? []) ws.terminate();
    await new Promise((r) => (wss ? wss.close(r) : r()));
  });

  const HELLO = { hello: { protocolVersion: 1, deviceToken: "unit-silent" } };
  const silentConn = () => {
    const WebSocket = requireWeb("ws");
    return new lib.Connection(url, {
      createSocket: (u) => new WebSocket(u, { perMessageDeflate: false }).on("error", () => undefined),
      backoff: new lib.Backoff(50, 100), heartbeatMs: 300, probeTimeoutMs: 300,
    });
  };

  test("is given up within heartbeat + probe timeout, a read waiting fails as UNAVAILABLE, and it reconnects once the peer answers", async (t) => {
    Object.assign(peer, { answering: true, connections: 0, probes: 0 });
    const conn = silentConn();
    t.after(() => conn.stop());
    await conn.start(HELLO);
    peer.answering = false;
    const frozenAt = Date.now();
    const waiting = assert.rejects(conn.request({ listTeams: {} }),
      (err) => err instanceof lib.RequestError && err.code === "UNAVAILABLE");
    await sleep(200);
    assert.equal(conn.state, "online", "given up before the probe timeout");
    await until(() => conn.state !== "online", "the silent connection to be given up", 3000);
    const noticedMs = Date.now() - frozenAt;
    assert.ok(noticedMs < 1200, `noticed after ${noticedMs} ms`);
    await waiting;
    // While the peer stays silent the new sockets' Hellos hang and are given up in turn.
    await until(() => peer.connections >= 3, "connects again while the peer is silent", 5000);
    assert.notEqual(conn.state, "online");
    peer.answering = true;
    await until(() => conn.state === "online", "the connection to come back once the peer answers", 3000);
    assert.equal((await conn.call({ listTeams: {} }, "teamList")).teams.length, 0);
    conn.stop();
  });

  test("a slow answer is not a dead socket: a probe goes out, is answered, and the answer arrives", async (t) => {
    Object.assign(peer, { answering: true, connections: 0, probes: 0, slowMs: 1500 });
    const conn = silentConn();
    t.after(() => conn.stop());
    const states = [];
    await conn.start(HELLO);
    conn.subscribe((s) => states.push(s));
    const areas = await conn.call({ listAreas: {} }, "areaList");
    assert.deepEqual(areas.areas ?? [], []);
    assert.deepEqual(states, [], "the connection left online while a slow answer was on its way");
    assert.equal(peer.connections, 1);
    assert.ok(peer.probes >= 1, "no probe while the slow answer was waiting");
    peer.slowMs = 0;
    conn.stop();
  });

  test("a peer that answers the probes is never given up", async (t) => {
    Object.assign(peer, { answering: true, connections: 0, probes: 0 });
    const conn = silentConn();
    t.after(() => conn.stop());
    const states = [];
    await conn.start(HELLO);
    conn.subscribe((s) => states.push(s));
    await sleep(2500);
    assert.deepEqual(states, [], "the connection left online");
    assert.equal(peer.connections, 1);
    assert.ok(peer.probes >= 4, `${peer.probes} probes in 2.5 s of silence`);
    // Frames that keep coming reset the clock: no probe while reads get answers every 0.1 s
    // (the stand-in counts every ListTeams, the page's own reads too).
    await conn.call({ listTeams: {} }, "teamList");
    const before = peer.probes;
    for (let i = 0; i < 9; i += 1) {
      await sleep(100);
      await conn.call({ listTeams: {} }, "teamList");
    }
    assert.equal(peer.probes - before, 9, "a probe went out while reads were being answered");
    conn.stop();
  });
});
