// SOS: a button on every volunteer view, held for 1.5 s to raise (a pocket or a brushing
// thumb cannot), by pointer or by holding Space or Enter. Then a panel that follows the
// SOS: queued on this phone, received by the server, acknowledged by a lead (with their
// note), resolved; and "I am safe", which resolves it. Both go through the outbox.
import { Ctx } from "../../context";
import { append, clear, h } from "../../dom";
import { clock } from "../../format";
import { t } from "../../i18n";
import { pb } from "../../proto";
import { isPending } from "../../protocol/outbox";
import { Position, positionAllowed, positionOnce } from "./geo";
import { latestSos, myPatrol, patrolLink } from "./mine";
import { refusalText } from "./outbox_panel";

export const HOLD_MS = 1500;
const SLIDE_PX = 16;
// How long the raise waits, after the hold, for a position the hold asked for.
const POSITION_GRACE_MS = 800;
const HINT_MS = 8000;

export async function raiseSos(ctx: Ctx, position: Position | null): Promise<void> {
  const patrol = myPatrol(ctx);
  const link = patrol ? patrolLink(patrol) : { body: {}, links: {} };
  const body: Record<string, unknown> = { ...link.body };
  if (position) body.location = position;
  await ctx.outbox.add("raiseSos", body, link.links);
}

export function sosButton(ctx: Ctx): { el: HTMLElement; dispose(): void } {
  const fill = h("span", { class: "sos-fill", "aria-hidden": "true" });
  const label = h("span", { class: "sos-label" }, t("vol.sos.button"));
  const button = h("button", { type: "button", class: "sos-button", testid: "sos-button",
    "aria-describedby": "sos-hint" }, fill, label);
  const hint = h("span", { id: "sos-hint", class: "sos-hint", testid: "sos-hint", "aria-live": "polite" }, t("vol.sos.hint"));
  let holding = false;
  let doneTimer = 0;
  let frame = 0;
  let hintTimer = 0;
  let startedAt = 0;
  let position: Promise<Position | null> = Promise.resolve(null);

  function paint(): void {
    const fraction = holding ? Math.min(1, (performance.now() - startedAt) / HOLD_MS) : 0;
    fill.style.transform = `scaleX(${fraction})`;
    if (holding) frame = window.requestAnimationFrame(paint);
  }

  function begin(): void {
    if (holding) return;
    holding = true;
    startedAt = performance.now();
    button.classList.add("holding");
    button.dataset.holding = "true";
    label.textContent = t("vol.sos.holding");
    // Only when the browser will not ask: a permission prompt must never interrupt this.
    position = positionAllowed().then((ok) => (ok ? positionOnce(HOLD_MS + POSITION_GRACE_MS) : null));
    doneTimer = window.setTimeout(() => void finish(), HOLD_MS);
    paint();
  }

  function reset(): void {
    holding = false;
    window.clearTimeout(doneTimer);
    window.cancelAnimationFrame(frame);
    button.classList.remove("holding");
    delete button.dataset.holding;
    label.textContent = t("vol.sos.button");
    fill.style.transform = "scaleX(0)";
  }

  // What the hint said last goes back to the instruction after a while.
  function say(text: string): void {
    hint.textContent = text;
    window.clearTimeout(hintTimer);
    hintTimer = window.setTimeout(() => { hint.textContent = t("vol.sos.hint"); }, HINT_MS);
  }

  function cancel(): void {
    if (!holding) return;
    reset();
    say(t("vol.sos.cancelled"));
  }

  async function finish(): Promise<void> {
    if (!holding) return;
    reset();
    say(t("vol.sos.raising"));
    const where = await Promise.race([position, new Promise<null>((r) => window.setTimeout(() => r(null), POSITION_GRACE_MS))]);
    try {
      await raiseSos(ctx, where);
      say(t("vol.sos.raised"));
      navigator.vibrate?.(200);
      document.querySelector<HTMLElement>('[data-testid="sos-panel"] h2')?.focus();
    } catch {
      say(t("vol.sos.saveFailed"));
    }
  }

  // A finger that slides along the bar (a thumb resting on it in a pocket, a hand brushing
  // past) is no hold: more than this far from where it came down cancels.
  let downX = 0;
  let downY = 0;
  button.addEventListener("pointerdown", (ev) => {
    if (ev.pointerType === "mouse" && ev.button !== 0) return;
    ev.preventDefault();
    downX = ev.clientX;
    downY = ev.clientY;
    try {
      button.setPointerCapture(ev.pointerId);
    } catch {
      /* a synthetic pointer: holding works without capture */
    }
    begin();
  });
  for (const name of ["pointerup", "pointercancel", "lostpointercapture"]) button.addEventListener(name, cancel);
  button.addEventListener("pointermove", (ev) => {
    if (holding && Math.hypot(ev.clientX - downX, ev.clientY - downY) > SLIDE_PX) cancel();
  });
  button.addEventListener("keydown", (ev) => {
    if (ev.key !== " " && ev.key !== "Enter") return;
    ev.preventDefault();
    if (!ev.repeat) begin();
  });
  button.addEventListener("keyup", (ev) => {
    if (ev.key === " " || ev.key === "Enter") cancel();
  });
  button.addEventListener("blur", cancel);
  // A long press on a phone opens the context menu: not here.
  button.addEventListener("contextmenu", (ev) => ev.preventDefault());

  const el = h("div", { class: "sos-dock", testid: "sos-dock" }, button, hint);
  return { el, dispose: () => { reset(); window.clearTimeout(hintTimer); } };
}

function step(testid: string, done: boolean, text: string, extra: HTMLElement | null = null): HTMLElement {
  return h("li", { class: done ? "done" : "todo", testid, "data-done": String(done) },
    h("span", { class: "mark", "aria-hidden": "true" }, done ? "✓" : "…"), " ",
    h("span", null, text), extra);
}

// The latest SOS from this phone, from raised to resolved, until the volunteer closes it.
export function sosPanel(ctx: Ctx): { el: HTMLElement; dispose(): void } {
  const el = h("section", { class: "sos-panel", testid: "sos-panel", "aria-labelledby": "sos-panel-h", hidden: true });
  let confirming = false;

  function safe(): void {
    const mine = latestSos(ctx);
    if (!mine || mine.resolve) return;
    const sos = mine.sos;
    const target = sos.state === "stored" && sos.ackId ? { body: { alertId: sos.ackId }, links: {} }
      : { body: {}, links: { alertOf: sos.clientId } };
    confirming = false;
    void ctx.outbox.add("resolveAlert", { ...target.body, note: "" }, target.links).catch(() => render());
  }

  function close(): void {
    const mine = latestSos(ctx);
    if (!mine) return;
    void ctx.outbox.dismiss(mine.sos.clientId);
    if (mine.resolve) void ctx.outbox.dismiss(mine.resolve.clientId);
  }

  function render(): void {
    const mine = latestSos(ctx);
    clear(el);
    el.hidden = !mine;
    if (!mine) return;
    const { sos, resolve, alert } = mine;
    const state = alert?.state ?? 0;
    const refused = sos.state === "refused";
    const resolved = state === pb.AlertState.ALERT_STATE_RESOLVED || resolve?.state === "stored";
    const acknowledged = state >= pb.AlertState.ALERT_STATE_ACKNOWLEDGED && !!alert?.acknowledgedByHandle;
    el.dataset.state = refused ? "refused" : resolved ? "resolved" : acknowledged ? "acknowledged"
      : sos.state === "stored" ? "received" : "queued";
    const steps = h("ol", { class: "sos-steps" },
      step("sos-step-queued", true, isPending(sos) && ctx.conn.state !== "online"
        ? t("vol.sos.step.queuedOffline", { time: clock(sos.createdMs) })
        : t("vol.sos.step.queued", { time: clock(sos.createdMs) })),
      refused ? null : step("sos-step-received", sos.state === "stored", t("vol.sos.step.received")),
      // Over before any lead answered ("I am safe" first): no step that still waits.
      refused || (resolved && !acknowledged) ? null : step("sos-step-acknowledged", acknowledged, acknowledged
        ? t("vol.sos.step.acknowledged", { handle: alert?.acknowledgedByHandle ?? "" })
        : t("vol.sos.step.waitingAck"),
      acknowledged && alert?.ackNote ? h("q", { class: "ack-note", testid: "sos-ack-note" }, alert.ackNote) : null),
      refused ? null : step("sos-step-resolved", resolved, resolved
        ? (alert?.resolvedBy && alert.resolvedBy === ctx.model.volunteerId() ? t("vol.sos.step.resolvedSelf")
          : alert?.resolvedByHandle ? t("vol.sos.step.resolvedBy", { handle: alert.resolvedByHandle })
            : t("vol.sos.step.resolved"))
        : t("vol.sos.step.notResolved")));
    const buttons = h("div", { class: "row" });
    if (!refused && !resolved) {
      if (resolve && isPending(resolve)) {
        buttons.append(h("p", { class: "hint", testid: "sos-safe-pending" }, t("vol.sos.safePending")));
      } else if (confirming) {
        buttons.append(
          h("button", { type: "button", class: "safe", testid: "sos-safe-confirm", onclick: safe }, t("vol.sos.safeConfirm")),
          h("button", { type: "button", class: "secondary", testid: "sos-safe-cancel",
            onclick: () => { confirming = false; render(); } }, t("vol.sos.safeCancel")));
      } else {
        buttons.append(h("button", { type: "button", class: "safe", testid: "sos-safe",
          onclick: () => { confirming = true; render(); } }, t("vol.sos.safe")));
      }
    }
    if (resolve?.state === "refused") {
      buttons.append(h("p", { class: "field-error", role: "alert", testid: "sos-safe-refused" }, refusalText(resolve)),
        h("button", { type: "button", class: "secondary", onclick: () => void ctx.outbox.dismiss(resolve.clientId) },
          t("vol.outbox.dismiss")));
    }
    if (refused || resolved) {
      buttons.append(h("button", { type: "button", class: "secondary", testid: "sos-close", onclick: close }, t("vol.sos.close")));
    }
    append(el, [
      h("h2", { id: "sos-panel-h", tabindex: "-1" }, t("vol.sos.heading")),
      refused ? h("p", { class: "field-error", role: "alert", testid: "sos-refused" }, refusalText(sos)) : null,
      steps,
      !resolved && !refused ? h("p", { class: "hint" }, t("vol.sos.positionNote")) : null,
      buttons]);
  }

  render();
  const offOutbox = ctx.outbox.subscribe(render);
  const offModel = ctx.model.subscribe((change) => {
    if (change === "alerts") render();
  });
  const offConn = ctx.conn.subscribe(render);
  return { el, dispose: () => { offOutbox(); offModel(); offConn(); } };
}
