// Links to one shift in the Shifts view, from the Tonight panel and from an understaffed
// alert. A link is `/#shift=<id>`: main.ts opens the Shifts view on it, which starts at the
// shift's week and team and marks and focuses its card (takeShiftFocus).
import { Ctx } from "../context";
import { Child, h } from "../dom";
import { clock } from "../format";
import { locale, t } from "../i18n";
import { Change, Model } from "../model";
import { num, pb } from "../proto";

export const SHIFT_HASH = /^#shift=([a-z]{2,8}_[0-9A-Za-z]{1,64})$/;

export interface ShiftFocus {
  shiftId: string;
  // 0 when only the id is known (an address typed or opened in a new tab): this week.
  startsAtMs: number;
  teamId: string;
}

let pending: ShiftFocus | null = null;

// Shifts this page has listed or heard of lately, by id: an alert names its shift with them.
const known = new Map<string, pb.IShift>();
const asked = new Map<string, Promise<void>>();

export function rememberShift(shift: pb.IShift): void {
  if (shift.shiftId) known.set(shift.shiftId, shift);
}

// "Thu 21:00–01:00" in the viewer's zone and language.
export function shiftWhen(startsAtMs: number, endsAtMs = 0): string {
  const day = new Date(startsAtMs).toLocaleDateString(locale(), { weekday: "short" });
  return `${day} ${clock(startsAtMs)}${endsAtMs > 0 ? `–${clock(endsAtMs)}` : ""}`;
}

// "2 of 3 signed up": the sign-ups against the least the shift needs.
export function staffingText(signedUp: number, min: number): string {
  return min > 0 ? t("tonight.staffing", { n: signedUp, min }) : t("tonight.staffingAny", { n: signedUp });
}

export function openShift(focus: ShiftFocus): void {
  pending = focus;
  history.replaceState(null, "", `#shift=${focus.shiftId}`);
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function shiftLink(focus: ShiftFocus, ...children: Child[]): HTMLAnchorElement {
  return h("a", { href: `#shift=${focus.shiftId}`, class: "shift-link", "data-shift-id": focus.shiftId,
    onclick: (ev: MouseEvent) => {
      // A new tab or window opens /#shift=<id> by itself.
      if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      openShift(focus);
    } }, ...children);
}

// For the Shifts view as it opens: the shift a link asked for, or the one in the address.
// `mark` outlines its card in the week shown and, the first time it is there, scrolls to
// it and focuses it.
export function takeShiftFocus(): (ShiftFocus & { mark(week: HTMLElement): void }) | null {
  const inAddress = SHIFT_HASH.exec(location.hash)?.[1] ?? "";
  const focus = pending && (!inAddress || inAddress === pending.shiftId) ? pending
    : inAddress ? { shiftId: inAddress, startsAtMs: 0, teamId: "" } : null;
  pending = null;
  if (!focus) return null;
  let shown = false;
  return {
    ...focus,
    mark(week: HTMLElement): void {
      const card = [...week.querySelectorAll<HTMLElement>('[data-testid="shift"]')].find((el) => el.dataset.shiftId === focus.shiftId);
      if (!card) return;
      card.dataset.focused = "true";
      if (shown) return;
      shown = true;
      // After the view's own scrolling (to today on a phone), which would move it away.
      window.requestAnimationFrame(() => {
        card.scrollIntoView({ block: "center" });
        card.focus({ preventScroll: true });
      });
    },
  };
}

// Follows the model while `el` is in the page, and stops at the first change after it left:
// parts placed by others' views (the board, an alert card) need no dispose of their own.
export function followWhileShown(el: HTMLElement, model: Model, fn: (change: Change, detail?: unknown) => void): () => boolean {
  let seen = false;
  const alive = (): boolean => {
    if (el.isConnected) seen = true;
    else if (seen) {
      off();
      return false;
    }
    return true;
  };
  const off = model.subscribe((change, detail) => {
    if (alive()) fn(change, detail);
  });
  return alive;
}

// The shift an UNDERSTAFFED alert is about, as a link: "Thu 21:00–01:00, Vesterbro: 1 of 3
// signed up". From the alert's values at first; the shift as listed (end, sign-ups now)
// once this page knows it. Null for other alerts.
export function alertShiftLink(ctx: Ctx, alert: pb.IAlert): HTMLElement | null {
  const { model, conn } = ctx;
  const shiftId = alert.shiftId ?? "";
  if (alert.kind !== pb.AlertKind.ALERT_KIND_UNDERSTAFFED || !shiftId) return null;
  const params = alert.params ?? {};
  const startsAtMs = Number(params.starts_at_ms) || 0;
  const link = shiftLink({ shiftId, startsAtMs, teamId: alert.teamId ?? "" });
  const el = h("p", { class: "alert-shift", testid: "alert-shift", "data-shift-id": shiftId }, link);

  function render(): void {
    const shift = known.get(shiftId);
    const when = shift ? shiftWhen(num(shift.startsAtMs), num(shift.endsAtMs)) : startsAtMs > 0 ? shiftWhen(startsAtMs) : "";
    const area = shift?.areaName || model.areaName(shift?.areaId ?? alert.areaId);
    const staffing = shift ? staffingText((shift.signUps ?? []).length, shift.minVolunteers ?? 0)
      : staffingText(Number(params.signed_up) || 0, Number(params.min_volunteers) || 0);
    link.textContent = t("alerts.shift", { when: when || t("alerts.shift.unknown"), area: area || t("board.noarea"), staffing });
  }

  render();
  followWhileShown(el, model, (change, detail) => {
    const shift = detail as pb.IShift | undefined;
    if (change === "shifts" && shift?.shiftId === shiftId) {
      rememberShift(shift);
      render();
    }
  });
  if (!known.has(shiftId) && startsAtMs > 0 && conn.state === "online") {
    // Once per shift: the shift as it is, listed by its start.
    let ask = asked.get(shiftId);
    if (!ask) {
      ask = conn.call({ listShifts: { fromMs: startsAtMs, toMs: startsAtMs + 1, teamId: alert.teamId ?? "" } }, "shiftList")
        .then((list) => { for (const s of list.shifts ?? []) rememberShift(s); })
        .catch(() => { asked.delete(shiftId); });
      asked.set(shiftId, ask);
    }
    void ask.then(render);
  }
  return el;
}
