// Sign-in: a lead redeems an invite in the page, the token persists in IndexedDB across
// a reload, and sign-out (after its confirmation) revokes the device on the server.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  Client, ProtocolError, gone, isShown, setup, signIn, signOutConfirmed, sleep, storedToken, tid, visible, withPage,
} from "./harness.mjs";

const ctx = setup();

async function tokenOf(page) {
  const stored = await storedToken(page);
  assert.ok(!stored.missing, `IndexedDB gadehold/device: ${stored.missing}`);
  assert.equal(typeof stored.value, "string", `IndexedDB gadehold/device key "token" holds ${JSON.stringify(stored.value)}`);
  return stored.value;
}

test("a lead redeems an invite, stays signed in across a reload, and sign-out revokes the device", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "signin-redeem", async ({ page, websockets }) => {
    await page.goto(`${server.origin}/`);
    await visible(tid(page, "view-signin"), "view-signin");
    assert.equal(await isShown(tid(page, "view-board")), false, "view-board shows before sign-in");
    assert.equal(await page.title(), "gadehold");

    await tid(page, "invite-code").fill(code.toLowerCase()); // typing is case-insensitive
    await tid(page, "handle").fill("lead-signin");
    await tid(page, "device-name").fill("office laptop");
    await tid(page, "redeem-submit").click();
    await visible(tid(page, "view-board"), "view-board after redeem-submit", 10000);
    assert.equal(await isShown(tid(page, "view-signin")), false, "view-signin still shows after sign-in");
    assert.match(await tid(page, "who").innerText(), /lead-signin/, "`who` names the handle");
    await visible(page.locator('[data-testid="conn-state"][data-state="online"]'), 'conn-state data-state="online"');
    await visible(tid(page, "nav-stats"), "nav-stats (leads see it)");
    assert.ok(websockets.includes(server.wsUrl), `the page's WebSockets: ${websockets.join(", ") || "none"}`);

    // The token in IndexedDB is the device's: the server accepts it.
    const token = await tokenOf(page);
    const check = await Client.hello(server, token);
    assert.equal(check.welcome.handle, "lead-signin");
    assert.equal(check.welcome.role, world.v1.Role.ROLE_LEAD);
    check.close();

    // Reload: signed in again with Hello, without typing anything.
    await page.reload();
    await visible(tid(page, "view-board"), "view-board after reload", 10000);
    assert.equal(await isShown(tid(page, "view-signin")), false, "view-signin shows after reload");
    assert.match(await tid(page, "who").innerText(), /lead-signin/);
    assert.equal(await tokenOf(page), token, "the stored token changed across the reload");

    // Sign out asks first; Escape keeps the device signed in.
    await tid(page, "sign-out").click();
    await visible(tid(page, "signout-confirm"), "the sign-out confirmation");
    assert.match(await tid(page, "signout-confirm").innerText(), /new invite/, "the dialog says a new invite is needed");
    await page.keyboard.press("Escape");
    await gone(tid(page, "signout-confirm"), "the sign-out confirmation after Escape");
    assert.ok(await isShown(tid(page, "view-board")), "view-board after cancelling the sign-out");
    assert.equal(await tokenOf(page), token, "the stored token after cancelling the sign-out");

    // Signed out: back to the sign-in view, and the server has revoked the device.
    await signOutConfirmed(page);
    await visible(tid(page, "view-signin"), "view-signin after sign-out");
    assert.equal(await isShown(tid(page, "view-board")), false, "view-board still shows after sign-out");
    let refused = null;
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(250)) {
      try {
        (await Client.hello(server, token)).close();
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        refused = e;
        break;
      }
    }
    assert.ok(refused, "the signed-out device's token still opens a session 5 s after sign-out");
    assert.equal(refused.code, "ERROR_CODE_UNAUTHENTICATED", refused.message);

    await page.reload();
    await visible(tid(page, "view-signin"), "view-signin after sign-out and reload", 10000);
    assert.equal(await isShown(tid(page, "view-board")), false);
  });
});

test("a wrong invite code shows signin-error; a handle like an email address shows error-handle", async () => {
  const { server, world } = ctx;
  const code = await world.invite("lead");
  await withPage(ctx.browser, server, "signin-errors", async ({ page }) => {
    await page.goto(`${server.origin}/`);
    await visible(tid(page, "view-signin"), "view-signin");
    await tid(page, "invite-code").fill("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG");
    await tid(page, "handle").fill("lead-wrong");
    await tid(page, "device-name").fill("office laptop");
    await tid(page, "redeem-submit").click();
    await visible(tid(page, "signin-error"), "signin-error for an unknown invite code");
    assert.notEqual((await tid(page, "signin-error").innerText()).trim(), "", "signin-error is empty");
    assert.equal(await isShown(tid(page, "view-board")), false, "view-board shows after a refused invite");

    // The server refuses the handle (INVALID_ARGUMENT, field "handle"); the invite stays
    // unused, so the same code works with another handle.
    await tid(page, "invite-code").fill(code);
    await tid(page, "handle").fill("kim@example.org");
    await tid(page, "redeem-submit").click();
    await visible(tid(page, "error-handle"), "error-handle for a handle like an email address");
    assert.notEqual((await tid(page, "error-handle").innerText()).trim(), "", "error-handle is empty");
    assert.equal(await isShown(tid(page, "view-board")), false);

    await tid(page, "handle").fill("lead-second-try");
    await tid(page, "redeem-submit").click();
    await visible(tid(page, "view-board"), "view-board after correcting the handle", 10000);
    assert.match(await tid(page, "who").innerText(), /lead-second-try/);
  });
});
