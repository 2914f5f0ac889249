// The open alerts in one order of urgency (SOS, need support, overdue), and apart from
// them, in a quieter panel, the planning alerts (understaffed shifts, small patrols,
// patrols the server closed), so that no number of those pushes a patrol in trouble down.
// Items are kept by id, so a note being typed survives updates.
import { Ctx } from "../context";
import { append, clear, h, keepInOrder, uniqueId } from "../dom";
import { describe } from "../errors";
import { MessageKey, t } from "../i18n";
import { alertKind, isPlanningAlert } from "../model";
import { newClientId, num, pb } from "../proto";
import { ago, clock } from "../format";
import { alertText } from "../words";
import { alertShiftLink } from "./shift_link";

interface Item {
  li: HTMLLIElement;
  raised: HTMLElement;
  meta: HTMLElement;
  alert: pb.IAlert;
}

function details(ctx: Ctx, alert: pb.IAlert): HTMLElement[] {
  const { model } = ctx;
  const out: HTMLElement[] = [];
  // Who pressed SOS or asked for support: the one to call (the server raises the others).
  const raiser = model.handleOf(alert.raisedBy);
  if (raiser) out.push(h("span", { class: "raised-by", testid: "alert-raised-by" }, t("alerts.raisedBy", { handle: raiser })));
  const team = model.teamName(alert.teamId);
  if (team) out.push(h("span", null, t("alerts.team", { name: team })));
  const area = model.areaName(alert.areaId);
  if (area) out.push(h("span", null, t("alerts.area", { name: area })));
  const patrol = alert.patrolId ? model.patrols.get(alert.patrolId) : undefined;
  if (patrol) {
    const members = (patrol.patrol.members ?? []).map((m) => m.handle).join(", ");
    out.push(h("span", null, t("alerts.members", { members })));
  }
  return out;
}

// The alert's sentence, built from its kind and params in the page's language (words.ts;
// an SOS's message is the volunteer's own words), never the server's English.
const text = alertText;

export interface AlertLists {
  // The urgent alerts (SOS, need support, overdue), with "none" when there are none.
  urgent: HTMLElement;
  // The planning alerts' panel; hidden while there are none.
  planning: HTMLElement;
  dispose(): void;
}

export function alertList(ctx: Ctx): AlertLists {
  const { model, conn } = ctx;
  const canAck = model.role() === pb.Role.ROLE_LEAD || model.role() === pb.Role.ROLE_COORDINATOR;
  const urgentList = h("ul", { class: "alerts" });
  const planningList = h("ul", { class: "alerts planning-alerts" });
  const empty = h("p", { class: "empty", testid: "alerts-empty" }, t("alerts.urgent.empty"));
  const items = new Map<string, Item>();

  // An open alert is acknowledged ("someone is on it"); an acknowledged one is resolved
  // ("it is over"), and leaves the board.
  function answerForm(id: string, acknowledged: boolean): HTMLElement {
    const noteId = uniqueId(acknowledged ? "resolve-note" : "ack-note");
    const note = h("input", { id: noteId, testid: acknowledged ? "resolve-note" : "ack-note", maxlength: "280",
      autocomplete: "off" });
    const submit = h("button", { type: "submit", testid: acknowledged ? "resolve-submit" : "ack-submit" },
      t(acknowledged ? "alerts.resolve" : "alerts.ack"));
    const error = h("p", { class: "field-error", role: "alert" });
    const form = h("form", { class: "ack" },
      h("label", { for: noteId }, t(acknowledged ? "alerts.resolveNote" : "alerts.note")),
      h("div", { class: "row" }, note, submit), error);
    // One client id per resolution, kept across retries (ResolveAlert is an outbox write).
    const clientId = newClientId();
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      error.textContent = "";
      const text = note.value.trim();
      const request = acknowledged
        ? conn.call({ resolveAlert: { clientId, alertId: id, note: text } }, "ack", { resend: true })
        : conn.call({ acknowledgeAlert: { alertId: id, note: text } }, "ack", { resend: true });
      request
        .then(() => {
          if (acknowledged) model.removeAlert(id);
          ctx.toast(t(acknowledged ? "alerts.resolved" : "alerts.acked"));
        })
        .catch((err: unknown) => {
          submit.disabled = false;
          error.textContent = describe(err);
        });
    });
    return form;
  }

  function build(alert: pb.IAlert): Item {
    const id = alert.alertId ?? "";
    const kind = alertKind(alert);
    const raised = h("span", { class: "ago" });
    const acknowledged = alert.state === pb.AlertState.ALERT_STATE_ACKNOWLEDGED;
    const form = answerForm(id, acknowledged);
    const handle = alert.acknowledgedByHandle ?? "";
    const ackAt = num(alert.acknowledgedAtMs);
    // Acknowledged is not over: who has it and what they said stay until it is resolved.
    const who = acknowledged
      ? h("p", { class: "acked", testid: "acked-by" },
        alert.ackNote ? t("alerts.handledByNote", { handle, note: alert.ackNote }) : t("alerts.handledBy", { handle }),
        ackAt > 0 ? h("span", { class: "since" }, " · ", t("alerts.handledSince", { when: clock(ackAt) })) : null)
      : null;
    const meta = h("p", { class: "meta" }, details(ctx, alert));
    const loc = alert.location;
    const state = acknowledged ? "ACKNOWLEDGED" : "OPEN";
    const li = h("li", { class: `alert kind-${kind} state-${state}`, testid: "alert", "data-alert-id": id,
      "data-kind": kind, "data-state": state, "data-shift-id": alert.shiftId || undefined },
      h("div", { class: "alert-head" },
        h("strong", { class: "kind" }, t(`alerts.kind.${kind}` as MessageKey)),
        raised,
        alert.escalated ? h("span", { class: "tag" }, t("alerts.escalated")) : null),
      meta,
      text(alert) ? h("p", { class: "message" }, text(alert)) : null,
      alertShiftLink(ctx, alert),
      who,
      loc && typeof loc.lat === "number" && typeof loc.lon === "number" && (loc.lat || loc.lon)
        ? h("p", { class: "where" }, t("alerts.location", { lat: loc.lat.toFixed(5), lon: loc.lon.toFixed(5) }), " ",
          h("a", { href: `geo:${loc.lat},${loc.lon}` }, t("alerts.openMap")))
        : null,
      canAck ? form : null);
    return { li, raised, meta, alert };
  }

  function refreshTimes(): void {
    const now = model.now();
    for (const item of items.values()) item.raised.textContent = t("alerts.raised", { ago: ago(num(item.alert.raisedAtMs), now) });
  }

  // Puts `alerts` into `list` in that order, moving only what is out of place.
  function place(list: HTMLElement, alerts: pb.IAlert[]): void {
    let previous: Element | null = null;
    for (const alert of alerts) {
      const id = alert.alertId ?? "";
      let item = items.get(id);
      if (!item || item.alert.escalated !== alert.escalated || item.alert.state !== alert.state ||
          !item.alert.location !== !alert.location) {
        const fresh = build(alert);
        if (item) item.li.replaceWith(fresh.li);
        item = fresh;
        items.set(id, item);
      }
      keepInOrder(list, previous, item.li);
      previous = item.li;
    }
  }

  function sync(): void {
    const alerts = model.openAlertsSorted();
    const wanted = new Set(alerts.map((a) => a.alertId ?? ""));
    for (const [id, item] of items) {
      if (!wanted.has(id)) {
        item.li.remove();
        items.delete(id);
      }
    }
    const urgent = alerts.filter((a) => !isPlanningAlert(a));
    const planning = alerts.filter(isPlanningAlert);
    place(urgentList, urgent);
    place(planningList, planning);
    empty.hidden = urgent.length > 0;
    planningPanel.hidden = planning.length === 0;
    planningCount.textContent = String(planning.length);
    refreshTimes();
  }

  const urgentEl = h("div", { class: "alert-list", testid: "alerts-urgent" }, empty, urgentList);
  const planningHeading = uniqueId("planning-h");
  const planningCount = h("span", { class: "count", testid: "alerts-planning-count" });
  const planningPanel = h("section", { class: "panel planning-panel", testid: "alerts-planning",
    "aria-labelledby": planningHeading },
  h("h2", { id: planningHeading }, t("alerts.planning.heading"), " ", planningCount),
  h("p", { class: "hint" }, t("alerts.planning.hint")),
  planningList);
  sync();
  const unsubscribe = model.subscribe((change) => {
    if (change === "alerts") sync();
    if (change === "patrols" || change === "session") {
      // Team, area and member names may have arrived: only the texts change.
      for (const item of items.values()) {
        clear(item.meta);
        append(item.meta, details(ctx, item.alert));
      }
    }
  });
  const timer = window.setInterval(refreshTimes, 15_000);
  return { urgent: urgentEl, planning: planningPanel, dispose: () => { unsubscribe(); window.clearInterval(timer); } };
}
