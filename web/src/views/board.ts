// The live board: active patrols by area, with how long since each last checked in, and
// the open alerts beside them. Check-ins and alerts arrive by push.
import { Ctx, View } from "../context";
import { clear, h } from "../dom";
import { ago, clock } from "../format";
import { MessageKey, t } from "../i18n";
import { PatrolState } from "../model";
import { num, pb } from "../proto";
import { alertList } from "./alert_list";
import { patrolMessageForm } from "./patrol_message";

type Status = "ok" | "due-soon" | "overdue" | "need-support";

function status(state: PatrolState, now: number): { status: Status; fraction: number } {
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

function card(ctx: Ctx, state: PatrolState, now: number): HTMLElement {
  const p = state.patrol;
  const s = status(state, now);
  const lastCheckIn = num(p.lastCheckInMs);
  const fill = h("div", { class: "fill" });
  fill.style.width = `${Math.round(s.fraction * 100)}%`;
  const due = num(p.dueAtMs);
  return h("li", { class: `patrol status-${s.status}`, testid: "patrol", "data-patrol-id": p.patrolId, "data-status": s.status },
    h("div", { class: "patrol-head" },
      h("span", { class: "state" }, t(`board.status.${s.status}` as MessageKey)),
      h("span", { class: "team" }, t("board.team", { name: ctx.model.teamName(p.teamId) }))),
    h("p", { class: "members", testid: "patrol-members" }, (p.members ?? []).map((m) => m.handle).join(", ")),
    h("p", { testid: "patrol-since" }, lastCheckIn > 0
      ? t("board.since", { ago: ago(lastCheckIn, now) })
      : t("board.nocheckin", { ago: ago(num(p.startedAtMs), now) })),
    h("div", { class: "bar", "aria-hidden": "true" }, fill),
    h("p", { class: "due" }, now >= due ? t("board.overdue", { when: clock(due) }) : t("board.due", { when: clock(due) })),
    p.lastStatus === pb.CheckInStatus.CHECK_IN_STATUS_NEED_SUPPORT
      ? h("p", { class: "need-support", testid: "need-support" }, t("board.needSupport"))
      : null,
    p.lastCell ? h("p", { class: "cell" }, t("board.cell", { cell: p.lastCell })) : null,
    lastMessage(ctx, p.patrolId ?? ""));
}

// The newest message a lead sent the patrol, so every lead sees what the patrol was told.
function lastMessage(ctx: Ctx, patrolId: string): HTMLElement | null {
  const list = ctx.model.patrolMessages.get(patrolId);
  const m = list?.[list.length - 1];
  if (!m) return null;
  return h("p", { class: "patrol-message", testid: "patrol-message" },
    t("board.message.last", { handle: m.fromHandle ?? "", when: clock(num(m.sentAtMs)), text: m.text ?? "" }));
}

export function boardView(ctx: Ctx): View {
  const { model } = ctx;
  const alerts = alertList(ctx);
  const areas = h("div", { class: "areas" });

  function render(): void {
    const now = model.now();
    clear(areas);
    const groups = new Map<string, PatrolState[]>();
    for (const state of model.patrols.values()) {
      const key = state.patrol.areaId ?? "";
      groups.set(key, [...(groups.get(key) ?? []), state]);
    }
    if (groups.size === 0) {
      areas.append(h("p", { class: "empty", testid: "board-empty" }, t("board.empty")));
      return;
    }
    const ordered = [...groups.entries()].sort(([a], [b]) =>
      (model.areaName(a) || "\uffff").localeCompare(model.areaName(b) || "\uffff"));
    for (const [areaId, states] of ordered) {
      states.sort((a, b) => num(a.patrol.dueAtMs) - num(b.patrol.dueAtMs));
      const headingId = `area-${areaId || "none"}`;
      areas.append(h("section", { class: "area", testid: "area-group", "data-area-id": areaId, "aria-labelledby": headingId },
        h("h3", { id: headingId }, model.areaName(areaId) || t("board.noarea")),
        h("ul", { class: "patrols" }, states.map((state) => card(ctx, state, now)))));
    }
  }

  const canMessage = model.role() === pb.Role.ROLE_LEAD || model.role() === pb.Role.ROLE_COORDINATOR;
  const messageForm = canMessage ? patrolMessageForm(ctx) : null;
  const volunteerNote = model.role() === pb.Role.ROLE_VOLUNTEER ? h("p", { class: "note" }, t("signin.volunteer")) : null;
  const el = h("section", { class: "view board", testid: "view-board", "aria-labelledby": "board-h" },
    h("h1", { class: "visually-hidden" }, t("nav.board")),
    volunteerNote,
    h("section", { class: "panel alerts-panel", testid: "alerts-panel", "aria-labelledby": "board-alerts-h" },
      h("h2", { id: "board-alerts-h" }, t("alerts.heading")), alerts.el),
    h("section", { class: "panel", "aria-labelledby": "board-h" },
      h("h2", { id: "board-h" }, t("board.heading")), areas),
    messageForm ? messageForm.el : null);
  render();
  const unsubscribe = model.subscribe((change) => {
    if (change === "patrols" || change === "session") render();
  });
  const timer = window.setInterval(render, 1000);
  return { el, dispose: () => { unsubscribe(); window.clearInterval(timer); alerts.dispose(); messageForm?.dispose(); } };
}
