// Messages: what the leads told my patrol, newest first, and the alerts about my patrol or
// raised by me, with who is handling each.
import { Ctx, View } from "../../context";
import { clear, h } from "../../dom";
import { clock } from "../../format";
import { MessageKey, t } from "../../i18n";
import { alertKind } from "../../model";
import { num, pb } from "../../proto";
import { myPatrol } from "./mine";

function alertState(alert: pb.IAlert): string {
  if (alert.state === pb.AlertState.ALERT_STATE_RESOLVED) {
    return alert.resolvedByHandle ? t("vol.messages.resolvedBy", { handle: alert.resolvedByHandle }) : t("vol.messages.resolved");
  }
  if (alert.state === pb.AlertState.ALERT_STATE_ACKNOWLEDGED) {
    return alert.ackNote
      ? t("alerts.ackedByNote", { handle: alert.acknowledgedByHandle ?? "", note: alert.ackNote })
      : t("alerts.ackedBy", { handle: alert.acknowledgedByHandle ?? "" });
  }
  return t("vol.messages.open");
}

// Message ids the volunteer has seen in this view: the navigation counts the others.
const seen = new Set<string>();

export function unreadMessages(ctx: Ctx): number {
  const patrol = myPatrol(ctx);
  if (!patrol?.patrolId) return 0;
  return (ctx.model.patrolMessages.get(patrol.patrolId) ?? []).filter((m) => !seen.has(m.messageId ?? "")).length;
}

export function messagesView(ctx: Ctx, onRead: () => void): View {
  const { model } = ctx;
  const messages = h("ul", { class: "vol-messages", testid: "vol-messages" });
  const alerts = h("ul", { class: "vol-alerts", testid: "vol-alerts" });
  const noMessages = h("p", { class: "empty", testid: "vol-messages-empty" });
  const noAlerts = h("p", { class: "empty" }, t("vol.messages.noAlerts"));

  function render(): void {
    const patrol = myPatrol(ctx);
    const list = patrol?.patrolId ? [...(model.patrolMessages.get(patrol.patrolId) ?? [])].reverse() : [];
    clear(messages);
    for (const m of list) {
      messages.append(h("li", { class: "vol-message", testid: "vol-message", "data-message-id": m.messageId },
        h("p", { class: "meta" }, t("vol.messages.from", { handle: m.fromHandle ?? "", time: clock(num(m.sentAtMs)) })),
        h("p", { class: "text" }, m.text ?? "")));
      seen.add(m.messageId ?? "");
    }
    noMessages.hidden = list.length > 0;
    noMessages.textContent = patrol ? t("vol.messages.none") : t("vol.messages.noPatrol");
    const about = model.alertsAbout(patrol?.patrolId ?? "");
    clear(alerts);
    for (const a of about) {
      const kind = alertKind(a);
      alerts.append(h("li", { class: `vol-alert kind-${kind}`, testid: "vol-alert", "data-alert-id": a.alertId, "data-kind": kind,
        "data-state": a.state ?? 0 },
      h("p", null, h("strong", null, t(`alerts.kind.${kind}` as MessageKey)), " · ", clock(num(a.raisedAtMs))),
      h("p", { class: "meta" }, alertState(a))));
    }
    noAlerts.hidden = about.length > 0;
    onRead();
  }

  const el = h("section", { class: "view vol-view", testid: "view-messages", "aria-labelledby": "messages-h" },
    h("h1", { id: "messages-h" }, t("vol.nav.messages")),
    h("section", { class: "panel", "aria-labelledby": "vol-messages-h" },
      h("h2", { id: "vol-messages-h" }, t("vol.messages.fromLeads")), noMessages, messages),
    h("section", { class: "panel", "aria-labelledby": "vol-alerts-h" },
      h("h2", { id: "vol-alerts-h" }, t("vol.messages.alerts")), noAlerts, alerts));
  render();
  const off = model.subscribe((change) => {
    if (change === "messages" || change === "alerts" || change === "patrols" || change === "session") render();
  });
  const offOutbox = ctx.outbox.subscribe(render);
  return { el, dispose: () => { off(); offOutbox(); } };
}
