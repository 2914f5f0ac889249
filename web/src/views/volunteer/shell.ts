// The volunteer's page: a small header, the views (Tonight, Patrol, Note, Messages, This
// device), a banner while there is no connection, a line saying what the server has not
// got yet, the SOS panel, the outbox at the foot, and the SOS button fixed at the bottom
// of the screen on every view, above everything else the page shows.
import { Ctx, View, VolunteerViewName } from "../../context";
import { clear, h } from "../../dom";
import { MessageKey, t } from "../../i18n";
import { offlineBanner } from "../offline_banner";
import { volunteerDeviceView } from "./device";
import { messagesView, unreadMessages } from "./messages";
import { myPatrol } from "./mine";
import { noteView } from "./note";
import { outboxPanel, outboxSummary } from "./outbox_panel";
import { patrolView } from "./patrol";
import { sosButton, sosPanel } from "./sos";
import { tonightView } from "./tonight";

export const VOLUNTEER_VIEWS: VolunteerViewName[] = ["tonight", "patrol", "note", "messages", "devices"];

export interface VolunteerShellOptions {
  who: string;
  langSelect(): HTMLElement;
  signOut(): void;
  // Leads and coordinators who patrol: back to the dashboard.
  toDashboard: (() => void) | null;
  // Called with the view shown, so a reload can open it again.
  onShow(name: VolunteerViewName): void;
}

export interface VolunteerShell {
  show(name: VolunteerViewName): void;
  dispose(): void;
}

export function volunteerShell(ctx: Ctx, root: HTMLElement, options: VolunteerShellOptions,
                               initial: VolunteerViewName): VolunteerShell {
  let current: VolunteerViewName = initial;
  let mounted: View | null = null;
  const parts: { dispose(): void }[] = [];
  const keep = <T extends { dispose(): void }>(part: T): T => {
    parts.push(part);
    return part;
  };

  const badge = h("span", { class: "badge", testid: "messages-count", hidden: true });
  const nav = h("nav", { "aria-label": t("nav.label"), class: "nav vol-nav" },
    VOLUNTEER_VIEWS.map((name) => h("button", { type: "button", testid: `nav-${name}`, onclick: () => show(name) },
      t(`vol.nav.${name}` as MessageKey),
      name === "messages" ? badge : null)));
  // Offline since when, and that what the volunteer does waits on the phone meanwhile.
  const banner = keep(offlineBanner("volunteer"));
  const main = h("main", { id: "main", tabindex: "-1" });
  const summary = keep(outboxSummary(ctx));
  const panel = keep(sosPanel(ctx));
  const outbox = keep(outboxPanel(ctx));
  const sos = keep(sosButton(ctx));

  function updateBadge(): void {
    const n = current === "messages" ? 0 : unreadMessages(ctx);
    badge.textContent = n > 0 ? String(n) : "";
    badge.hidden = n === 0;
  }

  function show(name: VolunteerViewName): void {
    if (!VOLUNTEER_VIEWS.includes(name)) name = "tonight";
    current = name;
    options.onShow(name);
    mounted?.dispose();
    clear(main);
    mounted = name === "tonight" ? tonightView(ctx)
      : name === "patrol" ? patrolView(ctx)
        : name === "note" ? noteView(ctx)
          : name === "messages" ? messagesView(ctx, updateBadge)
            : volunteerDeviceView(ctx, { langSelect: options.langSelect(), signOut: options.signOut });
    main.appendChild(mounted.el);
    for (const button of nav.querySelectorAll<HTMLElement>("button")) {
      if (button.dataset.testid === `nav-${name}`) button.setAttribute("aria-current", "page");
      else button.removeAttribute("aria-current");
    }
    updateBadge();
  }

  clear(root);
  // Scrolling to a control keeps it clear of the sticky navigation and the SOS dock.
  document.documentElement.classList.add("vol-mode");
  root.append(h("div", { class: "vol", testid: "volunteer-shell" },
    h("a", { class: "skip", href: "#main" }, t("app.skip")),
    h("header", { class: "topbar vol-topbar" },
      h("span", { class: "brand" }, t("app.title")),
      h("span", { class: "who", testid: "who" }, options.who),
      h("span", { class: "conn", testid: "conn-state", role: "status" }),
      options.toDashboard
        ? h("button", { type: "button", class: "secondary", testid: "mode-dashboard", onclick: options.toDashboard },
          t("vol.mode.dashboard"))
        : null),
    nav, banner.el, summary.el, panel.el, main, outbox.el,
    h("div", { class: "toast", testid: "toast", role: "status", "aria-live": "polite" }),
    sos.el));
  const offModel = ctx.model.subscribe((change, detail) => {
    if (change === "messages") {
      updateBadge();
      // A lead who patrols also gets the messages to other patrols: only those to theirs.
      const mine = myPatrol(ctx)?.patrolId;
      if (current !== "messages" && mine && (detail as { patrolId?: string } | undefined)?.patrolId === mine) {
        ctx.toast(t("vol.messages.new"));
      }
    } else if (change === "patrols") {
      updateBadge();
    }
  });
  show(initial);
  return {
    show,
    dispose: () => {
      document.documentElement.classList.remove("vol-mode");
      mounted?.dispose();
      offModel();
      for (const part of parts) part.dispose();
    },
  };
}
