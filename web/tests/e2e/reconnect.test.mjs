// Reconnect: the page's WebSocket runs through page.routeWebSocket, so the test can cut it
// and refuse new connections for a while. What happened meanwhile (a sign-up, a patrol, an
// SOS) shows after the page comes back: the shift's sign-up through the Sync replay of
// shift_changed (the shifts view does not list again after a reconnect), the patrol and the
// SOS on the board; and no alert shows twice. A page that newer connections of its own
// device replaced (1008 "replaced") says so and does not come back.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, isShown, newClientId, openView, proto, screenshot, setup, showDay, signIn, storedToken, tid, tomorrowAt, visible, withPage } from "./harness.mjs";

const ctx = setup();

const CONN = '[data-testid="conn-state"]';
const NOT_ONLINE = `${CONN}[data-state="connecting"], ${CONN}[data-state="offline"]`;

/**
 * Routes the page's /v1/ws through Playwright (call before the page opens). Every socket is
 * passed to the real server; `cut()` closes both sides of the live ones and refuses new ones
 * (closed at once) until `restore()`. `sent` records the kind of every message the page sent,
 * with the index of the connection it went on.
 */
async function cuttableSocket(page) {
  const v1 = proto();
  const state = { refusing: false, refused: 0, connections: 0, live: new Set(), sent: [] };
  await page.routeWebSocket(/\/v1\/ws$/, (ws) => {
    if (state.refusing) {
      state.refused += 1;
      void ws.close({ code: 1011, reason: "e2e: refused" }).catch(() => {});
      return;
    }
    const index = ++state.connections;
    const server = ws.connectToServer();
    const pair = { ws, server };
    state.live.add(pair);
    // Page to server: forwarded as is, after noting its kind.
    ws.onMessage((message) => {
      let kind = "?";
      try {
        kind = v1.ClientMessage.decode(Buffer.isBuffer(message) ? message : Buffer.from(message)).body ?? "?";
      } catch {}
      state.sent.push({ connection: index, kind });
      server.send(message);
    });
  });
  return {
    state,
    async cut() {
      state.refusing = true;
      const pairs = [...state.live];
      state.live.clear();
      for (const { ws, server } of pairs) {
        await server.close({ code: 1001, reason: "e2e: cut" }).catch(() => {});
        await ws.close({ code: 1001, reason: "e2e: cut" }).catch(() => {});
      }
      return pairs.length;
    },
    restore() {
      state.refusing = false;
    },
    /** Kinds the page sent on connections after `connection`. */
    sentAfter(connection) {
      return state.sent.filter((m) => m.connection > connection).map((m) => m.kind);
    },
  };
}

async function until(pred, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} within ${timeoutMs} ms`);
}

// Cuts the page off and waits until it shows it and has been refused at least once.
async function goOffline(page, socket) {
  const closed = await socket.cut();
  assert.ok(closed >= 1, "the page had no live WebSocket to cut");
  await visible(page.locator(NOT_ONLINE), 'conn-state data-state "connecting" or "offline" after the cut', 5000);
}

async function refusedOnce(page, socket) {
  await until(() => socket.state.refused >= 1, 5000, "the page did not try to reconnect (refused) ");
  assert.equal(await isShown(page.locator(`${CONN}[data-state="online"]`)), false, "conn-state online while refused");
}

test("after a lost connection the page catches up: a sign-up (Sync), a patrol and an SOS", async () => {
  const { server, world } = ctx;
  const vol = await world.volunteer("vol-rc-a");
  const mate = await world.volunteer("vol-rc-b");
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "reconnect-catch-up", async ({ page }) => {
    const socket = await cuttableSocket(page);
    await signIn(page, server, { code, handle: "lead-reconnect" });
    await visible(page.locator(`${CONN}[data-state="online"]`), "conn-state online after sign-in");

    const when = await tomorrowAt(page, "19:00", "22:00");
    const created = await world.coord.request("createShift", {
      clientId: newClientId(), teamId: world.teamId, areaId: world.areaId, startsAtMs: when.startMs, endsAtMs: when.endMs,
      minVolunteers: 1, maxVolunteers: 3, title: "Night round",
    });
    const shiftId = created.id;
    assert.ok(shiftId, "CreateShift gave no id");

    await openView(page, "nav-shifts", "view-shifts");
    const column = await showDay(page, when.date);
    const card = column.locator(`[data-testid="shift"][data-shift-id="${shiftId}"]`);
    await visible(card, `shift ${shiftId} in day ${when.date}`);
    const signups = card.locator('[data-testid="shift-signups"]');
    assert.doesNotMatch(await signups.innerText(), /vol-rc-a/, "the volunteer is signed up before signing up");

    // Lose the connection; refuse reconnects.
    const before = socket.state.connections;
    await goOffline(page, socket);

    // Meanwhile, on the volunteers' phones.
    await vol.request("signUp", { shiftId, clientId: newClientId() });
    const { patrolId } = await world.startPatrol(vol, [mate]);
    const sos = await vol.request("raiseSos", { clientId: newClientId(), patrolId, location: world.where, message: "help at the pier" });
    await refusedOnce(page, socket);
    assert.doesNotMatch(await signups.innerText(), /vol-rc-a/, "the sign-up reached the page while it was cut off");

    // Let it back in.
    socket.restore();
    const restoredAt = Date.now();
    await visible(page.locator(`${CONN}[data-state="online"]`), "conn-state online after reconnects are allowed", 10000);
    const left = Math.max(10000 - (Date.now() - restoredAt), 1);
    await visible(card.locator('[data-testid="shift-signups"]', { hasText: "vol-rc-a" }),
      "the volunteer's handle in shift-signups after the reconnect", left);
    console.log(`# online and sign-up shown ${Date.now() - restoredAt} ms after reconnects were allowed ` +
      `(${socket.state.refused} refused)`);
    assert.match(await card.locator('[data-testid="shift-staffing"]').innerText(), /\b1\s*\/\s*3\b/);
    assert.equal(await card.getAttribute("data-staffing"), "STAFFED");

    // Where it came from: the new connection said Hello and replayed with Sync; the shifts
    // view did not list again.
    const sent = socket.sentAfter(before);
    assert.equal(sent[0], "hello", `first message on the new connection: ${sent.join(", ")}`);
    assert.ok(sent.includes("sync"), `no Sync after the reconnect: ${sent.join(", ")}`);
    assert.ok(!sent.includes("listShifts"), `the page listed shifts again after the reconnect: ${sent.join(", ")}`);
    await screenshot(page, "reconnect-shifts");

    // The board: the patrol that started and the SOS raised while the page was cut off.
    await openView(page, "nav-board", "view-board");
    const patrol = page.locator(`[data-testid="patrol"][data-patrol-id="${patrolId}"]`);
    await visible(patrol, `patrol card ${patrolId} after the reconnect`, 5000);
    assert.match(await patrol.locator('[data-testid="patrol-members"]').innerText(), /vol-rc-a/);
    const alert = tid(page, "alerts-panel").locator(`[data-testid="alert"][data-alert-id="${sos.id}"]`);
    await visible(alert, `SOS ${sos.id} in alerts-panel after the reconnect`, 5000);
    assert.equal(await alert.getAttribute("data-kind"), "SOS");
    await screenshot(page, "reconnect-board");

    await vol.request("endPatrol", { clientId: newClientId(), patrolId, endedAtMs: Date.now() });
    await world.coord.request("resolveAlert", { clientId: newClientId(), alertId: sos.id, note: "" });
  });
});

test("after a reconnect no alert shows twice", async () => {
  const { server, world } = ctx;
  const a = await world.volunteer("vol-rc-c");
  const b = await world.volunteer("vol-rc-d");
  const c = await world.volunteer("vol-rc-e");
  const d = await world.volunteer("vol-rc-f");
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "reconnect-no-duplicates", async ({ page }) => {
    const socket = await cuttableSocket(page);
    await signIn(page, server, { code, handle: "lead-reconnect-two" });
    const panel = tid(page, "alerts-panel");

    // One SOS the page saw live ...
    const first = await world.startPatrol(a, [b]);
    const seen = await a.request("raiseSos", { clientId: newClientId(), patrolId: first.patrolId });
    await visible(panel.locator(`[data-testid="alert"][data-alert-id="${seen.id}"]`), "the first SOS, live", 5000);

    // ... and one raised while it was cut off.
    const before = socket.state.connections;
    await goOffline(page, socket);
    const second = await world.startPatrol(c, [d]);
    const missed = await d.request("raiseSos", { clientId: newClientId(), patrolId: second.patrolId });
    await world.checkIn(b, first.patrolId, "ok");
    await refusedOnce(page, socket);

    socket.restore();
    await visible(page.locator(`${CONN}[data-state="online"]`), "conn-state online after reconnects are allowed", 10000);
    await visible(panel.locator(`[data-testid="alert"][data-alert-id="${missed.id}"]`), "the SOS raised while cut off", 5000);
    // The catch-up is over when the page lists the active patrols (after the Sync replay).
    await until(() => socket.sentAfter(before).includes("listActivePatrols"), 10000, "no ListActivePatrols after the reconnect");
    assert.ok(socket.sentAfter(before).includes("sync"), `no Sync after the reconnect: ${socket.sentAfter(before).join(", ")}`);
    await visible(page.locator(`[data-testid="patrol"][data-patrol-id="${second.patrolId}"]`), "the second patrol", 5000);

    const check = async (scope, where) => {
      for (const [id, what] of [[seen.id, "the SOS seen live"], [missed.id, "the SOS raised while cut off"]]) {
        assert.equal(await scope.locator(`[data-testid="alert"][data-alert-id="${id}"]`).count(), 1,
          `${what} (${id}) shows exactly once in ${where}`);
      }
      const ids = await scope.locator('[data-testid="alert"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-alert-id")));
      assert.equal(new Set(ids).size, ids.length, `an alert shows twice in ${where}: ${ids.join(", ")}`);
      return ids.length;
    };
    // Now and a little later (nothing arrives late and doubles it).
    let n = await check(panel, "alerts-panel");
    await new Promise((r) => setTimeout(r, 1000));
    n = await check(panel, "alerts-panel");
    // Behind the alarm's blinking marker (alarm.test.mjs): the count.
    assert.match(await page.title(), new RegExp(`^(🔴|⭕) SOS · \\(${n}\\) gadehold$`), "the title counts each open alert once");
    assert.equal((await tid(page, "nav-alerts").locator('[data-testid="alert-count"]').innerText()).trim(), String(n),
      "alert-count counts each open alert once");
    await openView(page, "nav-alerts", "view-alerts");
    assert.equal(await check(tid(page, "view-alerts"), "view-alerts"), n, "view-alerts and alerts-panel disagree");

    for (const [by, p] of [[a, first.patrolId], [c, second.patrolId]]) {
      await by.request("endPatrol", { clientId: newClientId(), patrolId: p, endedAtMs: Date.now() });
    }
    for (const id of [seen.id, missed.id]) {
      await world.coord.request("resolveAlert", { clientId: newClientId(), alertId: id, note: "" });
    }
  });
});

test("a page replaced by newer connections of its device says so and does not reconnect", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "reconnect-replaced", async ({ page }) => {
    const socket = await cuttableSocket(page);
    await signIn(page, server, { code, handle: "lead-replaced" });
    await visible(page.locator(`${CONN}[data-state="online"]`), "conn-state online after sign-in");
    const token = (await storedToken(page)).value;
    assert.ok(token, "no stored device token");
    const connections = socket.state.connections;

    // Three more connections of the same device (max-connections-per-device is 3): the
    // page's, the oldest, is closed with 1008 "replaced".
    const others = [];
    for (let i = 0; i < 3; i += 1) others.push(await Client.hello(server, token));
    try {
      await visible(page.locator(`${CONN}[data-state="replaced"]`), 'conn-state data-state "replaced"', 5000);
      assert.match(await tid(page, "conn-state").innerText(), /elsewhere/i);
      // And it stays so: no reconnect that would replace one of the others in turn.
      await new Promise((r) => setTimeout(r, 4000));
      assert.equal(socket.state.connections, connections, "the page reconnected after 1008 replaced");
      assert.equal(await isShown(page.locator(`${CONN}[data-state="replaced"]`)), true, "conn-state left replaced");
      for (const c of others) assert.equal(c.closed, null, "a newer connection was closed");
      await screenshot(page, "reconnect-replaced");
    } finally {
      for (const c of others) c.close();
    }
  });
});
