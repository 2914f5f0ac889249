// The dashboard's header. On a laptop it shows everything in one bar. On a phone (600 px
// wide or less) it keeps one row: the name, the connection, the count of alerts nobody has
// taken on and a Menu button; language, sound, "I am patrolling" and Sign out are inside
// the menu, so that Sign out is never one stray tap away. When the browser blocks the
// alarm sound, the control that enables it stays in the row (app.css), never in a closed menu.
import { h } from "../dom";
import { t } from "../i18n";

export interface TopbarOptions {
  who: string;
  langSelect: HTMLElement;
  // The sound control (the toggle, or the large "enable the alarm sound" one).
  sound: HTMLElement;
  onAlerts(): void;
  onPatrolling(): void;
  onSignOut(): void;
}

export interface Topbar {
  el: HTMLElement;
  // Alerts nobody has acknowledged yet: the count beside the Menu button on a phone.
  setAlertCount(n: number): void;
  dispose(): void;
}

const TOOLS_ID = "topbar-tools";

export function topbar(options: TopbarOptions): Topbar {
  const alerts = h("button", { type: "button", class: "topbar-alerts", testid: "header-alerts", hidden: true,
    onclick: () => options.onAlerts() });
  const menu = h("button", { type: "button", class: "secondary menu-button", testid: "header-menu",
    "aria-expanded": "false", "aria-controls": TOOLS_ID }, t("header.menu"));
  const tools = h("div", { class: "tools", id: TOOLS_ID, testid: "header-tools" },
    options.langSelect,
    h("div", { class: "sound-slot" }, options.sound),
    h("button", { type: "button", testid: "mode-volunteer", class: "secondary", onclick: () => options.onPatrolling() },
      t("vol.mode.patrolling")),
    h("button", { type: "button", testid: "sign-out", class: "secondary", onclick: () => {
      // The question comes up over a closed menu: nothing else to tap by mistake.
      setOpen(false);
      options.onSignOut();
    } }, t("signout")));
  const el = h("header", { class: "topbar" },
    h("span", { class: "brand" }, t("app.title")),
    h("span", { class: "who", testid: "who" }, options.who),
    h("span", { class: "conn", testid: "conn-state", role: "status" }),
    alerts, menu, tools);

  function setOpen(open: boolean): void {
    el.classList.toggle("menu-open", open);
    menu.setAttribute("aria-expanded", String(open));
  }
  menu.addEventListener("click", () => setOpen(!el.classList.contains("menu-open")));
  // Escape or a tap elsewhere closes the menu; Escape gives the focus back to its button.
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || !el.classList.contains("menu-open")) return;
    setOpen(false);
    menu.focus();
  };
  const onPointer = (event: Event) => {
    if (el.classList.contains("menu-open") && !el.contains(event.target as Node)) setOpen(false);
  };
  document.addEventListener("keydown", onKey);
  document.addEventListener("pointerdown", onPointer);

  return {
    el,
    setAlertCount(n: number) {
      alerts.hidden = n === 0;
      alerts.replaceChildren(h("span", { class: "visually-hidden" }, t("header.alerts")), h("span", { class: "count" }, String(n)));
    },
    dispose() {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    },
  };
}
