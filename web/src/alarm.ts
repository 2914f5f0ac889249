// The lead's alarm: while an SOS or a call for support is open and nobody has acknowledged
// it, a siren repeats every few seconds; an overdue patrol has a shorter sound that repeats
// more slowly; the tab's title and icon change. It follows the model's open alerts, not only
// the ones that arrive live, so alerts already open after a reload or a reconnect sound too,
// and it stops when an acknowledgement arrives from any screen. Leads and coordinators run it
// (main.ts), also while they patrol; a volunteer's views have their own SOS panel.
import { h } from "./dom";
import { MessageKey, t } from "./i18n";
import { alertKind, alertRank, isPlanningAlert, Model } from "./model";
import { pb } from "./proto";
import {
  enableSound, onSoundChange, playOverdue, playSoft, playUrgent, setSoundEnabled, silence, soundEnabled, soundState,
  startAudio, unlockSound,
} from "./sound";

export const URGENT_REPEAT_MS = 4000;
export const OVERDUE_REPEAT_MS = 30_000;
const TICK_MS = 500;

let model: Model | null = null;
let active = false;
let timer = 0;
let nextUrgent = 0;
let nextOverdue = 0;
let heardUrgent = new Set<string>();
let heardOverdue = new Set<string>();
let baseTitle = "";
let decorated = false;

// The lead's own SOS, or an alert about the patrol they walk ("I am patrolling"): they are
// there, and a siren on their phone could give them away. Their partners' leads hear it.
function mine(m: Model, a: pb.IAlert): boolean {
  const me = m.volunteerId();
  if (!me) return false;
  if (a.raisedBy === me) return true;
  const patrol = a.patrolId ? m.patrols.get(a.patrolId) : undefined;
  return (patrol?.patrol.members ?? []).some((x) => x.volunteerId === me);
}

function unacknowledged(kinds: pb.AlertKind[]): pb.IAlert[] {
  const m = model;
  if (!m) return [];
  return m.openAlertsSorted().filter((a) =>
    kinds.includes(a.kind ?? 0) && a.state !== pb.AlertState.ALERT_STATE_ACKNOWLEDGED && !mine(m, a));
}

// Open SOS and calls for support nobody has acknowledged: SOS first, then the oldest.
export function openAlarms(): pb.IAlert[] {
  return unacknowledged([pb.AlertKind.ALERT_KIND_SOS, pb.AlertKind.ALERT_KIND_NEED_SUPPORT]);
}

// Overdue patrols, and alerts of a kind this page does not know (a newer server): those
// beep as overdue does rather than stay silent.
function openOverdue(): pb.IAlert[] {
  const m = model;
  if (!m) return [];
  return m.openAlertsSorted().filter((a) => alertRank(a) === 2 &&
    a.state !== pb.AlertState.ALERT_STATE_ACKNOWLEDGED && !mine(m, a));
}

const ids = (list: pb.IAlert[]): Set<string> => new Set(list.map((a) => a.alertId ?? ""));
const anyNew = (list: pb.IAlert[], heard: Set<string>): boolean => list.some((a) => !heard.has(a.alertId ?? ""));

function tick(): void {
  const urgent = active ? openAlarms() : [];
  const overdue = active ? openOverdue() : [];
  const now = Date.now();
  // The last SOS answered while the siren plays: it stops, even with an overdue beep to come.
  const urgentEnded = heardUrgent.size > 0 && urgent.length === 0;
  // A new alarm sounds at once, not at the next repeat.
  if (anyNew(urgent, heardUrgent)) nextUrgent = 0;
  if (anyNew(overdue, heardOverdue)) nextOverdue = 0;
  heardUrgent = ids(urgent);
  heardOverdue = ids(overdue);
  if (urgent.length === 0) nextUrgent = 0;
  if (overdue.length === 0) nextOverdue = 0;
  // Nothing left to sound, or the lead turned the sound off: what is playing stops too.
  if (urgentEnded || (urgent.length === 0 && overdue.length === 0) || !soundEnabled()) silence();
  // Blocked or turned off: nothing plays, and the next chance plays at once.
  if (urgent.length > 0) {
    if (now >= nextUrgent && playUrgent()) nextUrgent = now + URGENT_REPEAT_MS;
  } else if (overdue.length > 0) {
    // The siren drowns the overdue sound out; it has its turn once the SOS is answered.
    if (now >= nextOverdue && playOverdue()) nextOverdue = now + OVERDUE_REPEAT_MS;
  }
  renderTitle(urgent[0] ?? overdue[0]);
}

// The title and icon of the tab: the most urgent alarm, its marker blinking each second,
// with the count of alerts nobody has acknowledged, "(N) gadehold", kept at the end.
function renderTitle(top: pb.IAlert | undefined): void {
  if (!top) {
    if (decorated) document.title = baseTitle;
    decorated = false;
    setFavicon(null);
    return;
  }
  const kind = alertKind(top);
  const on = Math.floor(Date.now() / 1000) % 2 === 0;
  const marker = on ? (kind === "SOS" ? "🔴" : "⚠") : "⭕";
  document.title = `${marker} ${t(`alerts.kind.${kind}` as MessageKey)} · ${baseTitle}`;
  decorated = true;
  setFavicon(kind === "OVERDUE" ? "#c26a00" : "#c8102e");
}

// main.ts's title with the count; the alarm puts its marker in front while one is open.
export function showTitle(base: string): void {
  baseTitle = base;
  if (!decorated) document.title = base;
  if (active) tick();
}

// ---------------------------------------------------------------------------------------
// The favicon: a red (overdue: amber) disc with "!", drawn on a canvas (the CSP allows
// data: images); /favicon.ico again when no alarm is open.

let originalIcon: string | null = null;
let iconColour: string | null = null;
const drawn = new Map<string, string>();

function iconFor(colour: string): string {
  const cached = drawn.get(colour);
  if (cached) return cached;
  const canvas = document.createElement("canvas");
  canvas.width = 32;
  canvas.height = 32;
  const g = canvas.getContext("2d");
  if (!g) return "";
  g.fillStyle = colour;
  g.beginPath();
  g.arc(16, 16, 15, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = "#fff";
  g.fillRect(13, 5, 6, 14);
  g.fillRect(13, 22, 6, 5);
  const url = canvas.toDataURL("image/png");
  drawn.set(colour, url);
  return url;
}

function setFavicon(colour: string | null): void {
  if (colour === iconColour) return;
  const link = document.querySelector<HTMLLinkElement>('link[rel~="icon"]');
  if (!link) return;
  if (originalIcon === null) originalIcon = link.getAttribute("href") ?? "/favicon.ico";
  const url = colour ? iconFor(colour) : "";
  link.setAttribute("href", url || originalIcon);
  iconColour = url ? colour : null;
}

// ---------------------------------------------------------------------------------------

// Once, at the start: the alarm follows the model's alerts.
export function startAlarm(m: Model): void {
  model = m;
  m.subscribe((change) => {
    if (change === "alerts" && active) tick();
  });
  onSoundChange(() => {
    if (active) tick();
  });
}

// On for a lead or coordinator, on the dashboard and while patrolling (an SOS of their team
// must reach them there too); off for sign-in and for volunteers.
export function setAlarmActive(on: boolean): void {
  if (on === active) return;
  active = on;
  window.clearInterval(timer);
  if (on) {
    startAudio();
    timer = window.setInterval(tick, TICK_MS);
  }
  tick();
}

// A new planning alert (understaffed, small patrol, closed by the server): one soft chime,
// and one for a burst of them (the watchdog raises several at once). SOS, need-support and
// overdue sound through the loop above.
const SOFT_GAP_MS = 5000;
let lastSoft = 0;

export function soundForNewAlert(alert: pb.IAlert): void {
  // SOS, need support, overdue and unknown kinds sound through the loop above.
  if (!active || !isPlanningAlert(alert)) return;
  if (Date.now() - lastSoft < SOFT_GAP_MS) return;
  if (playSoft()) lastSoft = Date.now();
}

// ---------------------------------------------------------------------------------------
// The header's sound control (and the banner's, while audio is blocked): the "Sound on/off"
// toggle, or, when the lead wants sound and the browser blocks it, a large control that
// enables it with one tap. "Sound on" is never shown while nothing can play.

const controls = new Set<{ el: HTMLElement; render(): void }>();
onSoundChange(() => {
  for (const c of controls) {
    if (!c.el.isConnected) controls.delete(c);
    else c.render();
  }
});

export function soundControl(): HTMLElement {
  const el = h("span", { class: "sound-control" });
  let shown = "";
  function render(): void {
    const state = soundState();
    if (state === shown) return;
    shown = state;
    const hadFocus = el.contains(document.activeElement);
    const button = state === "blocked"
      ? h("button", { type: "button", testid: "sound-enable", class: "sound-enable", onclick: () => void enableSound() },
        t("sound.enable"))
      : h("button", { type: "button", testid: "sound-toggle", class: "secondary", "aria-pressed": String(state === "on"),
        onclick: () => {
          const on = !soundEnabled();
          setSoundEnabled(on);
          unlockSound();
          // What it will sound like: the lead just chose to hear it.
          if (on) playSoft();
        } }, state === "on" ? t("sound.on") : t("sound.off"));
    el.replaceChildren(button);
    if (hadFocus) button.focus();
  }
  render();
  controls.add({ el, render });
  return el;
}
