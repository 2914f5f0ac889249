// All open alerts, urgent ones first and the planning ones apart, with the acknowledgement
// form; below them the evening's log for the handover between leads.
import { Ctx, View } from "../context";
import { h } from "../dom";
import { t } from "../i18n";
import { alertList } from "./alert_list";
import { eveningLog } from "./evening_log";

export function alertsView(ctx: Ctx): View {
  const list = alertList(ctx);
  const log = eveningLog(ctx);
  const el = h("section", { class: "view alerts-view", testid: "view-alerts", "aria-labelledby": "alerts-h" },
    h("h1", { id: "alerts-h" }, t("alerts.heading")), list.urgent, list.planning, log.el);
  return { el, dispose: () => { list.dispose(); log.dispose(); } };
}
