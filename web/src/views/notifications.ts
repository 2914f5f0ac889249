// "Notifications on this device", in the devices view of every role (and wherever a view
// wants it): turns Web Push on or off for this browser and says why it cannot when it
// cannot. Leads and coordinators get alerts; volunteers get check-ins due, messages to their
// patrol and the answers to their own SOS (docs/protocol.md, "Push").
import { Ctx } from "../context";
import { h } from "../dom";
import { describe } from "../errors";
import { lang, MessageKey, t } from "../i18n";
import { PushError, PushState, pushState, turnPushOff, turnPushOn } from "../push";

export function notificationsPanel(ctx: Ctx): HTMLElement {
  const vapidKey = ctx.model.welcome?.vapidPublicKey ?? "";
  const state = h("p", { class: "push-state", testid: "push-state", "aria-live": "polite" });
  const error = h("p", { class: "form-error", testid: "push-error", role: "alert" });
  const toggle = h("button", { type: "button", testid: "push-toggle", hidden: true });
  let current: PushState = "off";

  function render(next: PushState): void {
    current = next;
    state.dataset.state = next;
    state.textContent = t(`push.state.${next}` as MessageKey);
    toggle.hidden = next !== "on" && next !== "off";
    toggle.disabled = false;
    toggle.className = next === "on" ? "secondary" : "";
    toggle.textContent = next === "on" ? t("push.turnOff") : t("push.turnOn");
  }

  function refresh(): Promise<void> {
    return pushState(vapidKey).then(render, () => render("unsupported"));
  }

  toggle.addEventListener("click", () => {
    const turningOn = current !== "on";
    toggle.disabled = true;
    toggle.textContent = t("push.busy");
    error.textContent = "";
    const work = turningOn ? turnPushOn(ctx.conn, vapidKey, lang()) : turnPushOff(ctx.conn);
    work
      .catch((err: unknown) => {
        error.textContent = err instanceof PushError ? t(err.key) : describe(err);
      })
      .finally(() => void refresh());
  });

  void refresh();
  return h("section", { class: "push", testid: "push-panel", "aria-labelledby": "push-h" },
    h("h2", { id: "push-h" }, t("push.heading")),
    h("p", { class: "hint" }, t("push.intro")),
    state, toggle, error);
}
