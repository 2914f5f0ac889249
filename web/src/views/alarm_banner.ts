// The alarm banner, above the header on every view of the dashboard: a line for each SOS and
// call for support nobody has acknowledged (SOS first), with who raised it, where and how
// long ago, the whole line a button to its card. It stays small enough to leave the header
// on the first screen: at most MAX_PHONE lines on a phone, MAX_WIDE on a laptop, then "+N more
// alarms: see Alerts". It goes as soon as an acknowledgement arrives, from
// this screen or another. Screen readers hear each new alarm once, not every time the
// minutes change, nor again when the page is redrawn in another language. It also says when the alarm cannot be heard (blocked by the browser, or
// the lead's "Sound off").
import { openAlarms } from "../alarm";
import { View } from "../context";
import { h } from "../dom";
import { ago } from "../format";
import { MessageKey, t } from "../i18n";
import { alertKind, Model } from "../model";
import { num, pb } from "../proto";
import { enableSound, onSoundChange, setSoundEnabled, soundState } from "../sound";

// The card of alert `id` in the current view: scrolled to, with the focus on the field of
// its acknowledgement (or its resolution, if someone acknowledged it meanwhile).
export function focusAlert(id: string): boolean {
  const card = document.querySelector<HTMLElement>(`#main [data-testid="alert"][data-alert-id="${CSS.escape(id)}"]`);
  if (!card) return false;
  const field = card.querySelector<HTMLElement>('[data-testid="ack-note"], [data-testid="resolve-note"], button, a[href]');
  card.scrollIntoView({ block: "center" });
  field?.focus({ preventScroll: true });
  return true;
}

const MAX_PHONE = 2;
const MAX_WIDE = 3;
const PHONE_QUERY = "(max-width: 600px)"; // alarm.css

// The alarms screen readers have heard, kept across banners: a language switch (or any
// other redraw of the page) makes a new banner, which must not say them all again.
let announced = new Set<string>();

// [class, text]: the team is left out on a phone (alarm.css), to keep each alarm to two lines.
function describeAlarm(model: Model, alert: pb.IAlert): [string, string][] {
  const parts: [string, string][] = [];
  const raiser = model.handleOf(alert.raisedBy);
  if (raiser) parts.push(["alarm-who", t("alerts.raisedBy", { handle: raiser })]);
  const team = model.teamName(alert.teamId);
  if (team) parts.push(["alarm-team", t("alerts.team", { name: team })]);
  // An SOS raised without a position has no area of its own: its patrol's.
  const area = model.areaName(alert.areaId || model.patrols.get(alert.patrolId ?? "")?.patrol.areaId);
  if (area) parts.push(["alarm-area", t("alerts.area", { name: area })]);
  return parts;
}

// `openAlerts` shows the Alerts view (the "+N more" button); without it, that button opens
// the first alarm left out.
export function alarmBanner(model: Model, openAlert: (alertId: string) => void, openAlerts?: () => void): View {
  const list = h("ul", { class: "alarm-list" });
  const more = h("button", { type: "button", class: "alarm-more", testid: "alarm-more", hidden: true });
  const sound = h("div", { class: "alarm-sound", testid: "alarm-sound", hidden: true });
  const section = h("section", { class: "alarm-banner", testid: "alarm-banner", "aria-label": t("alarm.label"), hidden: true },
    list, h("div", { class: "alarm-foot" }, more, sound));
  const phone = window.matchMedia(PHONE_QUERY);
  // Present from the start, outside the hidden part, so that what is written into it is read.
  const announce = h("p", { class: "visually-hidden", role: "alert", testid: "alarm-announce" });
  const el = h("div", { class: "alarm" }, announce, section);
  const times = new Map<string, { span: HTMLElement; raised: number }>();

  function item(alert: pb.IAlert): HTMLElement {
    const id = alert.alertId ?? "";
    const kind = alertKind(alert);
    const when = h("span", { class: "alarm-ago" });
    times.set(id, { span: when, raised: num(alert.raisedAtMs) });
    return h("li", { class: `alarm-item kind-${kind}`, testid: "alarm-item", "data-alert-id": id, "data-kind": kind },
      h("button", { type: "button", class: "alarm-goto", testid: "alarm-goto", "data-alert-id": id, onclick: () => openAlert(id) },
        h("strong", { class: "alarm-kind" }, t(`alerts.kind.${kind}` as MessageKey)),
        h("span", { class: "alarm-text" }, describeAlarm(model, alert).map(([cls, part]) => h("span", { class: cls }, part)), when),
        h("span", { class: "alarm-go" }, h("span", { class: "alarm-go-text" }, t("alarm.goto")), h("span", { "aria-hidden": "true" }, " ›"))));
  }

  function refreshTimes(): void {
    const now = model.now();
    for (const { span, raised } of times.values()) span.textContent = ago(raised, now);
  }

  function renderSound(open: boolean): void {
    const state = soundState();
    sound.hidden = !open || state === "on";
    sound.dataset.state = state;
    if (sound.hidden) {
      sound.replaceChildren();
      return;
    }
    const hadFocus = sound.contains(document.activeElement);
    const button = state === "blocked"
      ? h("button", { type: "button", testid: "sound-enable", class: "sound-enable", onclick: () => void enableSound() },
        t("sound.enable"))
      : h("button", { type: "button", testid: "alarm-sound-on", class: "secondary", onclick: () => setSoundEnabled(true) },
        t("alarm.soundOn"));
    sound.replaceChildren(h("span", null, t(state === "blocked" ? "alarm.blocked" : "alarm.soundOff")), button);
    if (hadFocus) button.focus();
  }

  function render(): void {
    const alarms = openAlarms();
    const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>(".alarm-goto")?.dataset.alertId;
    times.clear();
    const shown = alarms.slice(0, phone.matches ? MAX_PHONE : MAX_WIDE);
    const rest = alarms.slice(shown.length);
    list.replaceChildren(...shown.map(item));
    more.hidden = rest.length === 0;
    more.textContent = rest.length === 1 ? t("alarm.moreOne", { view: t("nav.alerts") })
      : t("alarm.more", { n: rest.length, view: t("nav.alerts") });
    more.onclick = () => (openAlerts ? openAlerts() : openAlert(rest[0]?.alertId ?? ""));
    section.hidden = alarms.length === 0;
    if (focused) list.querySelector<HTMLElement>(`.alarm-goto[data-alert-id="${CSS.escape(focused)}"]`)?.focus();
    refreshTimes();
    renderSound(alarms.length > 0);
    // New alarms are said once; the ones already said are not repeated.
    const fresh = alarms.filter((a) => !announced.has(a.alertId ?? ""));
    announced = new Set(alarms.map((a) => a.alertId ?? ""));
    if (fresh.length > 0) {
      announce.textContent = fresh.map((a) =>
        [t(`alerts.kind.${alertKind(a)}` as MessageKey), ...describeAlarm(model, a).map(([, part]) => part)].join(". ")).join(". ");
    } else if (alarms.length === 0) {
      announce.textContent = "";
    }
  }

  render();
  const unsubscribe = model.subscribe((change) => {
    if (change === "alerts" || change === "session" || change === "patrols") render();
  });
  const unsound = onSoundChange(() => renderSound(!section.hidden));
  const timer = window.setInterval(refreshTimes, 15_000);
  phone.addEventListener("change", render);
  return { el, dispose: () => { unsubscribe(); unsound(); window.clearInterval(timer); phone.removeEventListener("change", render); } };
}
