// All open alerts, urgent ones first and the planning ones apart, with the acknowledgement
// form; below them the evening's log for the handover between leads, one tap away from the
// top ("Tonight's log" jumps to it, however many alerts are open).
import { Ctx, View } from "../context";
import { h } from "../dom";
import { t } from "../i18n";
import { alertList } from "./alert_list";
import { eveningLog } from "./evening_log";

export function alertsView(ctx: Ctx): View {
  const list = alertList(ctx);
  const log = eveningLog(ctx);
  const heading = log.el.querySelector<HTMLElement>("h2");
  heading?.setAttribute("tabindex", "-1");
  const jump = h("a", { href: "#log-h", class: "log-jump", testid: "log-jump",
    onclick: (ev: MouseEvent) => {
      // Not through the address: main.ts reads the hash for alerts, shifts and the patrol.
      ev.preventDefault();
      log.el.scrollIntoView({ block: "start" });
      heading?.focus({ preventScroll: true });
    } }, t("log.jump"));
  const el = h("section", { class: "view alerts-view", testid: "view-alerts", "aria-labelledby": "alerts-h" },
    h("div", { class: "alerts-view-head" }, h("h1", { id: "alerts-h" }, t("alerts.heading")), jump),
    list.urgent, list.planning, log.el);
  return { el, dispose: () => { list.dispose(); log.dispose(); } };
}
