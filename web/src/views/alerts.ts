// All open alerts, with the acknowledgement form.
import { Ctx, View } from "../context";
import { h } from "../dom";
import { t } from "../i18n";
import { alertList } from "./alert_list";

export function alertsView(ctx: Ctx): View {
  const list = alertList(ctx);
  const el = h("section", { class: "view", testid: "view-alerts", "aria-labelledby": "alerts-h" },
    h("h1", { id: "alerts-h" }, t("alerts.heading")), list.el);
  return { el, dispose: list.dispose };
}
