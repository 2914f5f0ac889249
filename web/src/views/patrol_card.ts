// One patrol's card on the board: its state, area and members, how much of the check-in
// interval has run out, who is handling its alerts, the last message a lead sent it, and
// (for leads and coordinators) a button that opens the message form for it.
import { Ctx } from "../context";
import { append, clear, h } from "../dom";
import { ago, clock } from "../format";
import { MessageKey, t } from "../i18n";
import { alertKind, alertRank, PatrolState } from "../model";
import { num, pb } from "../proto";

export type Status = "ok" | "due-soon" | "overdue" | "need-support";

export function patrolStatus(state: PatrolState, now: number): { status: Status; fraction: number } {
  const p = state.patrol;
  const last = Math.max(num(p.lastCheckInMs), num(p.startedAtMs));
  const interval = (p.checkinIntervalS ?? 1200) * 1000;
  const fraction = Math.min(1, Math.max(0, (now - last) / interval));
  if (p.lastStatus === pb.CheckInStatus.CHECK_IN_STATUS_NEED_SUPPORT) return { status: "need-support", fraction };
  if (now >= num(p.dueAtMs)) return { status: "overdue", fraction };
  // The colour turns once three quarters of the interval have run out.
  if (fraction >= 0.75) return { status: "due-soon", fraction };
  return { status: "ok", fraction };
}

// The patrol's open alerts, most urgent first.
function openAlertsOf(ctx: Ctx, patrolId: string): pb.IAlert[] {
  return [...ctx.model.alerts.values()]
    .filter((a) => a.patrolId === patrolId)
    .sort((a, b) => alertRank(a) - alertRank(b) || num(a.raisedAtMs) - num(b.raisedAtMs));
}

// How urgent a patrol is, smaller first: an open SOS, a call for support, overdue, then
// the rest; ties by the least time left until it is due (the longest overdue first).
export function patrolUrgency(ctx: Ctx, state: PatrolState, now: number): number {
  const sos = openAlertsOf(ctx, state.patrol.patrolId ?? "").some((a) => a.kind === pb.AlertKind.ALERT_KIND_SOS);
  if (sos) return 0;
  const s = patrolStatus(state, now).status;
  return s === "need-support" ? 1 : s === "overdue" ? 2 : 3;
}

// "Overdue · Handled by lead-anna: on my way · since 21:14", one line per acknowledged
// alert: acknowledged is not over, and every lead sees who has it.
export function handledLines(ctx: Ctx, patrolId: string): HTMLElement[] {
  return openAlertsOf(ctx, patrolId)
    .filter((a) => a.state === pb.AlertState.ALERT_STATE_ACKNOWLEDGED)
    .map((a) => {
      const handle = a.acknowledgedByHandle ?? "";
      const at = num(a.acknowledgedAtMs);
      return h("p", { class: "handled", testid: "patrol-handled", "data-alert-id": a.alertId },
        h("strong", null, t(`alerts.kind.${alertKind(a)}` as MessageKey)), " · ",
        a.ackNote ? t("alerts.handledByNote", { handle, note: a.ackNote }) : t("alerts.handledBy", { handle }),
        at > 0 ? h("span", { class: "since" }, " · ", t("alerts.handledSince", { when: clock(at) })) : null);
    });
}

// The newest message a lead sent the patrol, so every lead sees what the patrol was told.
function lastMessage(ctx: Ctx, patrolId: string): HTMLElement | null {
  const list = ctx.model.patrolMessages.get(patrolId);
  const m = list?.[list.length - 1];
  if (!m) return null;
  return h("p", { class: "patrol-message", testid: "patrol-message" },
    t("board.message.last", { handle: m.fromHandle ?? "", when: clock(num(m.sentAtMs)), text: m.text ?? "" }));
}

export interface PatrolCard {
  li: HTMLLIElement;
  update(state: PatrolState, now: number): void;
}

// The card's element stays while its contents are redrawn every second, so the Message
// button keeps focus and a click is never lost to a redraw.
export function patrolCard(ctx: Ctx, patrolId: string, onMessage: ((patrolId: string) => void) | null): PatrolCard {
  const { model } = ctx;
  const body = h("div", { class: "patrol-body" });
  const actions = onMessage
    ? h("div", { class: "patrol-actions" },
      h("button", { type: "button", class: "secondary small", testid: "patrol-message-open",
        onclick: () => onMessage(patrolId) }, t("board.message.open")))
    : null;
  const li = h("li", { class: "patrol", testid: "patrol", "data-patrol-id": patrolId }, body, actions);

  // While offline, "On time" may be false by now: the label says it is the last known state,
  // "On time at 21:14 (last known)", from when the offline banner shows (<body data-conn>,
  // views/offline_banner.ts) until the reconnect's catch-up; a blink says nothing.
  function statusLabel(status: Status): string {
    const label = t(`board.status.${status}` as MessageKey);
    const stale = model.offlineSince > 0 && document.body.dataset.conn !== undefined;
    return stale ? t("board.status.lastKnown", { status: label, when: clock(model.offlineSince) }) : label;
  }

  function update(state: PatrolState, now: number): void {
    const p = state.patrol;
    const s = patrolStatus(state, now);
    // An open SOS outranks whatever the last check-in said: the card must not read "On time".
    const sos = openAlertsOf(ctx, patrolId).find((a) => a.kind === pb.AlertKind.ALERT_KIND_SOS);
    // Its colour too: the SOS colour, not the status colour (need support is purple).
    li.className = sos ? "patrol has-sos" : `patrol status-${s.status}`;
    li.dataset.status = s.status;
    if (sos) li.dataset.sos = "true";
    else delete li.dataset.sos;
    const raiser = sos ? model.handleOf(sos.raisedBy) : "";
    const lastCheckIn = num(p.lastCheckInMs);
    const fill = h("div", { class: "fill" });
    fill.style.width = `${Math.round(s.fraction * 100)}%`;
    const due = num(p.dueAtMs);
    const members = (p.members ?? []).map((m) => m.handle).join(", ");
    const actionButton = actions?.firstElementChild;
    if (actionButton) actionButton.setAttribute("aria-label", t("board.message.openFor", { members }));
    clear(body);
    append(body, [
      h("div", { class: "patrol-head" },
        h("span", { class: "state", testid: "patrol-state" }, sos ? t("alerts.kind.SOS") : statusLabel(s.status)),
        h("span", { class: "area-name", testid: "patrol-area" }, model.areaName(p.areaId) || t("board.noarea"))),
      h("p", { class: "members", testid: "patrol-members" }, members),
      h("p", { class: "team" }, t("board.team", { name: model.teamName(p.teamId) })),
      h("p", { testid: "patrol-since" }, lastCheckIn > 0
        ? t("board.since", { ago: ago(lastCheckIn, now) })
        : t("board.nocheckin", { ago: ago(num(p.startedAtMs), now) })),
      h("div", { class: "bar", "aria-hidden": "true" }, fill),
      h("p", { class: "due" }, now >= due ? t("board.overdue", { when: clock(due) }) : t("board.due", { when: clock(due) })),
      sos ? h("p", { class: "sos-badge", testid: "patrol-sos" }, raiser ? t("board.sosBy", { handle: raiser }) : t("board.sos")) : null,
      p.lastStatus === pb.CheckInStatus.CHECK_IN_STATUS_NEED_SUPPORT
        ? h("p", { class: "need-support", testid: "need-support" }, t("board.needSupport"))
        : null,
      handledLines(ctx, patrolId),
      p.lastCell ? h("p", { class: "cell" }, t("board.cell", { cell: p.lastCell })) : null,
      lastMessage(ctx, patrolId)]);
  }

  return { li, update };
}
