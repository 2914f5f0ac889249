// "This device" for a volunteer: the devices list the dashboard has, notifications on this
// phone, the language, and signing out (the volunteer's header keeps only what matters on
// a walk).
import { Ctx, View } from "../../context";
import { h } from "../../dom";
import { t } from "../../i18n";
import { devicesView } from "../devices";
import { notificationsPanel } from "../notifications";

export function volunteerDeviceView(ctx: Ctx, tools: { langSelect: HTMLElement; signOut: () => void }): View {
  const inner = devicesView(ctx);
  // devices.ts shows notifications to leads and coordinators; a volunteer's phone needs
  // them as much (check-ins due, answers to an SOS, messages from the leads).
  if (!inner.el.querySelector('[data-testid="push-panel"]')) {
    inner.el.querySelector("h1")?.after(notificationsPanel(ctx));
  }
  inner.el.append(h("section", { class: "panel device-tools", "aria-labelledby": "device-tools-h" },
    h("h2", { id: "device-tools-h" }, t("vol.device.settings")),
    tools.langSelect,
    h("button", { type: "button", class: "secondary", testid: "sign-out", onclick: tools.signOut }, t("signout"))));
  return inner;
}
