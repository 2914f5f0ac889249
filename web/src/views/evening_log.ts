// Tonight's log, for the handover between leads: every alert of the last 12 hours, newest
// first, with who raised it, who took it on and what they said, and how it ended. The
// planning alerts (understaffed shifts, small patrols, closed patrols) are folded into one
// collapsed group at the end, "Planning alerts (40)", each naming its shift, so that a
// flood of them never pushes an SOS down. It is
// model.alertHistory (ListAlerts with the evening's resolved ones after each Welcome, then
// the pushed events), so it stays current while the page is open.
import { Ctx, View } from "../context";
import { clear, h } from "../dom";
import { clock } from "../format";
import { MessageKey, t } from "../i18n";
import { alertKind, isPlanningAlert } from "../model";
import { num, pb } from "../proto";
import { resolutionText } from "../words";
import { alertShiftLink } from "./shift_link";

export const LOG_HOURS = 12;

// The server's reason in the page's language ("reason.RESOLVED_CHECKED_IN_OK", words.ts),
// never its English note: a reason this page does not know says nothing more.
const serverReason = resolutionText;

function raisedLine(ctx: Ctx, alert: pb.IAlert): string {
  const when = clock(num(alert.raisedAtMs));
  const handle = ctx.model.handleOf(alert.raisedBy);
  return handle ? t("log.raisedBy", { when, handle }) : t("log.raised", { when });
}

function ackLine(alert: pb.IAlert): HTMLElement | null {
  const at = num(alert.acknowledgedAtMs);
  const handle = alert.acknowledgedByHandle ?? "";
  if (!at && !handle) return null;
  const when = clock(at);
  return h("p", { class: "log-acked", testid: "log-acked" },
    alert.ackNote ? t("log.ackedNote", { handle, when, note: alert.ackNote }) : t("log.acked", { handle, when }));
}

function resolvedLine(alert: pb.IAlert): HTMLElement {
  if (alert.state !== pb.AlertState.ALERT_STATE_RESOLVED) {
    const acked = alert.state === pb.AlertState.ALERT_STATE_ACKNOWLEDGED;
    return h("p", { class: "log-open", testid: "log-open" }, t(acked ? "log.stillOpen" : "log.unanswered"));
  }
  const when = clock(num(alert.resolvedAtMs));
  const handle = alert.resolvedByHandle ?? "";
  let text: string;
  if (handle) {
    text = alert.resolveNote ? t("log.resolvedNote", { handle, when, note: alert.resolveNote }) : t("log.resolved", { handle, when });
  } else {
    const reason = serverReason(alert);
    text = reason ? t("log.resolvedServerWhy", { when, reason }) : t("log.resolvedServer", { when });
  }
  return h("p", { class: "log-resolved", testid: "log-resolved" }, text);
}

function item(ctx: Ctx, alert: pb.IAlert): HTMLElement {
  const kind = alertKind(alert);
  const state = alert.state === pb.AlertState.ALERT_STATE_RESOLVED ? "RESOLVED"
    : alert.state === pb.AlertState.ALERT_STATE_ACKNOWLEDGED ? "ACKNOWLEDGED" : "OPEN";
  const area = ctx.model.areaName(alert.areaId);
  const patrol = alert.patrolId ? ctx.model.patrols.get(alert.patrolId) : undefined;
  const members = (patrol?.patrol.members ?? []).map((m) => m.handle).join(", ");
  return h("li", { class: `log-item kind-${kind} state-${state}`, testid: "log-item", "data-alert-id": alert.alertId,
    "data-kind": kind, "data-state": state },
  h("p", { class: "log-head" },
    h("strong", null, t(`alerts.kind.${kind}` as MessageKey)), " · ", raisedLine(ctx, alert),
    area ? ` · ${t("alerts.area", { name: area })}` : "",
    members ? ` · ${t("alerts.members", { members })}` : ""),
  alertShiftLink(ctx, alert),
  ackLine(alert),
  resolvedLine(alert));
}

export function eveningLog(ctx: Ctx): View {
  const { model } = ctx;
  const list = h("ul", { class: "log-list", testid: "log-urgent" });
  const empty = h("p", { class: "empty", testid: "log-empty" }, t("log.empty"));
  const planningList = h("ul", { class: "log-list" });
  const planningSummary = h("summary", { testid: "log-planning-summary" });
  // Stays between renders, so that a lead who opened it keeps it open.
  const planning = h("details", { class: "log-planning", testid: "log-planning" }, planningSummary, planningList);

  function render(): void {
    const entries = model.alertLog(model.now() - LOG_HOURS * 3600_000);
    const later = entries.filter(isPlanningAlert);
    clear(list);
    clear(planningList);
    // Alerts still open head the list (newest first within each part), so that a flood of
    // raised-and-resolved ones never buries an SOS nobody has closed.
    const resolved = (a: pb.IAlert): number => (a.state === pb.AlertState.ALERT_STATE_RESOLVED ? 1 : 0);
    const urgent = entries.filter((a) => !isPlanningAlert(a)).sort((a, b) => resolved(a) - resolved(b));
    for (const alert of urgent) list.append(item(ctx, alert));
    for (const alert of later) planningList.append(item(ctx, alert));
    planningSummary.textContent = t("log.planning", { n: later.length });
    planning.hidden = later.length === 0;
    empty.hidden = entries.length > 0;
  }

  const el = h("section", { class: "panel evening-log", testid: "evening-log", "aria-labelledby": "log-h" },
    h("h2", { id: "log-h" }, t("log.heading")),
    h("p", { class: "hint" }, t("log.hint", { hours: LOG_HOURS })),
    empty, list, planning);
  render();
  const unsubscribe = model.subscribe((change) => {
    if (change === "alerts" || change === "session") render();
  });
  // Alerts older than the window drop off as the night goes on.
  const timer = window.setInterval(render, 60_000);
  return { el, dispose: () => { unsubscribe(); window.clearInterval(timer); } };
}
