// The dashboard: sign-in, then a shell with the live board, alerts, shift planner,
// statistics and this device's sessions. It speaks the apps' protocol on /v1/ws.
import { Connection, RequestError } from "./protocol/connection";
import { Outbox } from "./protocol/outbox";
import { IndexedDbOutboxStore } from "./protocol/outbox_store";
import { startAppShell } from "./app_shell";
import { catchUp } from "./catch_up";
import { Ctx, DashboardViewName, View, VolunteerViewName } from "./context";
import { h, clear } from "./dom";
import { describe } from "./errors";
import { initialLang, Lang, lang, setLang, t, MessageKey } from "./i18n";
import { forgetLastSession, loadLastSession } from "./last_session";
import { alertKind, Model } from "./model";
import { pb, roleName } from "./proto";
import { forgetPush, rememberLang, resyncPush } from "./push";
import { setAlarmActive, showTitle, soundControl, soundForNewAlert, startAlarm } from "./alarm";
import { unlockSound } from "./sound";
import { alarmBanner, focusAlert } from "./views/alarm_banner";
import { forgetToken, loadToken } from "./tokens";
import { alertsView } from "./views/alerts";
import { boardView } from "./views/board";
import { devicesView } from "./views/devices";
import { signinView } from "./views/signin";
import { shiftsView } from "./views/shifts";
import { statsView } from "./views/stats";
import { confirmDialog } from "./views/confirm";
import { Topbar, topbar } from "./views/topbar";
import { VolunteerShell, volunteerShell } from "./views/volunteer/shell";
import { offlineBanner, watchConnection } from "./views/offline_banner";
import { SHIFT_HASH } from "./views/shift_link";

const model = new Model();
const conn = new Connection(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/v1/ws`);
const root = document.getElementById("app") as HTMLElement;
// A tapped notification opens /#alert=<id> (sw/sw.ts): start on the alerts; /#patrol (a
// check-in due, a message to the patrol): the volunteer's Patrol view.
const ALERT_HASH = /^#alert=([a-z]{2,8}_[0-9A-Za-z]{1,64})$/;
const PATROL_HASH = "#patrol";
// A shift's link (the Tonight panel, an understaffed alert) is /#shift=<id>: the Shifts view.
let current: DashboardViewName = ALERT_HASH.test(location.hash) ? "alerts" : SHIFT_HASH.test(location.hash) ? "shifts" : "board";
let currentVolunteer: VolunteerViewName = location.hash === PATROL_HASH ? "patrol" : "tonight";
let mounted: View | null = null;
let volunteer: VolunteerShell | null = null;
let header: Topbar | null = null;
let banner: View | null = null;
let offline: View | null = null;
// Leads and coordinators who walk a patrol themselves switch to the volunteer's views
// ("I am patrolling"); the choice outlives a reload.
const MODE_KEY = "gadehold.mode";
let patrolling = readMode() || location.hash === PATROL_HASH;
let toastTimer = 0;

const outbox = new Outbox(conn, new IndexedDbOutboxStore());
const ctx: Ctx = { model, conn, outbox, toast };
// Offline is loud: the banner, the greyed cards and the stopped clock (views/offline_banner.ts).
const connWatch = watchConnection(model, conn);

function toast(message: string): void {
  const el = document.querySelector<HTMLElement>('[data-testid="toast"]');
  if (!el) return;
  el.textContent = message;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => (el.textContent = ""), 6000);
}

function readMode(): boolean {
  try {
    return localStorage.getItem(MODE_KEY) === "volunteer";
  } catch {
    return false;
  }
}

function setPatrolling(on: boolean): void {
  patrolling = on;
  try {
    localStorage.setItem(MODE_KEY, on ? "volunteer" : "dashboard");
  } catch {
    /* private mode: the choice lasts until reload */
  }
  renderShell();
}

function staff(): boolean {
  return model.role() === pb.Role.ROLE_LEAD || model.role() === pb.Role.ROLE_COORDINATOR;
}

// Volunteers always see their own views; leads and coordinators when they patrol.
function volunteerMode(): boolean {
  return !staff() || patrolling;
}

function whoText(): string {
  return model.welcome
    ? t("who", { handle: model.welcome.handle ?? "", role: t(`role.${(roleName[model.welcome.role ?? 0] ?? "VOLUNTEER").toLowerCase()}` as MessageKey) })
    : "";
}

function updateTitle(): void {
  // Alerts nobody has acknowledged yet; acknowledged ones stay on the board until resolved.
  const n = model.unanswered();
  // While an alarm is open, alarm.ts puts its marker in front of this.
  showTitle(n > 0 ? `(${n}) ${t("app.title")}` : t("app.title"));
  const badge = document.querySelector<HTMLElement>('[data-testid="alert-count"]');
  if (badge) {
    badge.textContent = n > 0 ? String(n) : "";
    badge.hidden = n === 0;
  }
  header?.setAlertCount(n);
}

function updateConnState(): void {
  const el = document.querySelector<HTMLElement>('[data-testid="conn-state"]');
  if (!el) return;
  el.dataset.state = conn.state;
  el.textContent = t(`conn.${conn.state}` as MessageKey);
}

function views(): DashboardViewName[] {
  const role = model.role();
  const list: DashboardViewName[] = ["board", "alerts", "shifts"];
  if (role === pb.Role.ROLE_LEAD || role === pb.Role.ROLE_COORDINATOR) list.push("stats");
  list.push("devices");
  return list;
}

function langSelect(): HTMLElement {
  const select = h("select", { id: "lang", testid: "lang", onchange: () => {
    setLang(select.value as Lang);
    rememberLang(select.value as Lang);
    if (model.welcome) renderShell();
    else showSignin();
  } },
  h("option", { value: "en" }, "English"), h("option", { value: "da" }, "Dansk"));
  select.value = lang();
  return h("div", { class: "lang" }, h("label", { for: "lang" }, t("lang.label")), select);
}

function renderVolunteerShell(): void {
  volunteer = volunteerShell(ctx, root, {
    who: whoText(),
    langSelect,
    signOut: () => void signOut(),
    toDashboard: staff() ? () => setPatrolling(false) : null,
    onShow: (name) => {
      currentVolunteer = name;
      // The patrol a notification pointed at is behind: a reload opens the view chosen now.
      if (name !== "patrol" && location.hash === PATROL_HASH) history.replaceState(null, "", location.pathname);
    },
  }, currentVolunteer);
  // A lead on patrol still hears their teams' SOS: the banner's button leads back to the
  // dashboard's alert.
  if (staff()) {
    banner = alarmBanner(model, (alertId) => {
      setPatrolling(false);
      openAlert(alertId);
    });
    root.prepend(banner.el);
  }
  updateConnState();
  updateTitle();
}

function renderShell(): void {
  mounted?.dispose();
  mounted = null;
  volunteer?.dispose();
  volunteer = null;
  header?.dispose();
  header = null;
  banner?.dispose();
  banner = null;
  offline?.dispose();
  offline = null;
  clear(root);
  // The alarm (sound, banner, title) is for leads and coordinators, also while they patrol;
  // a volunteer's views have the SOS panel.
  setAlarmActive(staff());
  if (volunteerMode()) {
    renderVolunteerShell();
    return;
  }
  const soundButton = soundControl();
  banner = alarmBanner(model, openAlert, () => show("alerts"));
  offline = offlineBanner("dashboard");
  const nav = h("nav", { "aria-label": t("nav.label"), class: "nav" },
    views().map((name) => h("button", { type: "button", testid: `nav-${name}`, "aria-current": name === current ? "page" : undefined,
      onclick: () => show(name) },
    t(`nav.${name}` as MessageKey),
    name === "alerts" ? h("span", { class: "badge", testid: "alert-count", hidden: true }) : null)));
  header = topbar({ who: whoText(), langSelect: langSelect(), sound: soundButton, onAlerts: () => show("alerts"),
    onPatrolling: () => setPatrolling(true), onSignOut: () => void signOut() });
  root.append(
    h("a", { class: "skip", href: "#main" }, t("app.skip")),
    // Offline first, then the alarms: on a laptop both stay at the top while the page scrolls
    // (sticky in #app, alarm.css), on a phone the alarms never push "offline" off the screen.
    h("div", { class: "top-banners" }, offline.el, banner.el),
    header.el,
    nav,
    // Toasts take a line of their own under the tabs, never over a button (app.css).
    h("div", { class: "toast", testid: "toast", role: "status", "aria-live": "polite" }),
    h("main", { id: "main", tabindex: "-1" }));
  updateConnState();
  updateTitle();
  show(current);
}

function show(name: DashboardViewName): void {
  if (!views().includes(name)) name = "board";
  current = name;
  // The alert a notification pointed at is behind: a reload opens the view chosen now.
  if (name !== "alerts" && ALERT_HASH.test(location.hash)) history.replaceState(null, "", location.pathname);
  if (name !== "shifts" && SHIFT_HASH.test(location.hash)) history.replaceState(null, "", location.pathname);
  mounted?.dispose();
  const main = document.getElementById("main");
  if (!main) return;
  clear(main);
  const make = { board: boardView, alerts: alertsView, shifts: shiftsView, stats: statsView, devices: devicesView }[name];
  mounted = make(ctx);
  main.appendChild(mounted.el);
  for (const button of document.querySelectorAll<HTMLElement>("nav button")) {
    if (button.dataset.testid === `nav-${name}`) {
      button.setAttribute("aria-current", "page");
      // On a phone the tabs are one row that scrolls sideways: keep the current one in it.
      button.scrollIntoView({ block: "nearest", inline: "nearest" });
    } else {
      button.removeAttribute("aria-current");
    }
  }
  // A new view starts at its top, not at the last one's scroll position.
  window.scrollTo(0, 0);
}

// The alarm banner's button: the alert's card in this view (the board's alerts panel or the
// Alerts view), else in the Alerts view.
function openAlert(alertId: string): void {
  if (focusAlert(alertId)) return;
  show("alerts");
  focusAlert(alertId);
}

function showSignin(message = "", busy = false): void {
  mounted?.dispose();
  banner?.dispose();
  banner = null;
  offline?.dispose();
  offline = null;
  connWatch.silence();
  setAlarmActive(false);
  mounted = signinView(ctx, { message, busy, langSelect: langSelect(), onSignedIn: () => renderShell() });
  clear(root);
  root.appendChild(mounted.el);
  document.title = t("app.title");
}

// Signing out cannot be undone from here (the device needs a new invite), so it asks first,
// saying how many writes still on this phone would be lost with it.
async function signOut(): Promise<void> {
  // Signing out ends the device's token on the server: offline, the token would stay good
  // there while the phone forgot it. A lead can still revoke the device from anywhere.
  if (conn.state !== "online") {
    toast(t("signout.offline"));
    return;
  }
  const waiting = outbox.pending();
  const sure = await confirmDialog({
    testid: "signout-confirm",
    title: t("signout.confirm.title"),
    lines: [t("signout.confirm.body"), waiting > 0 ? t("signout.confirm.pending", { n: waiting }) : ""],
    yes: t("signout.confirm.yes"),
    no: t("signout.confirm.no"),
  });
  if (!sure) return;
  // The connection may have dropped while the question was open.
  if (conn.state !== "online") {
    toast(t("signout.offline"));
    return;
  }
  const deviceId = model.welcome?.deviceId;
  // This browser's push subscription goes with the device (the server drops its copy when
  // the device is revoked). First: once revoked, the page reloads as soon as it can.
  await forgetPush().catch(() => undefined);
  try {
    if (deviceId && conn.state === "online") await conn.call({ revokeDevice: { deviceId } }, "ack");
  } catch (err) {
    // Revoking closes this very connection with 1008 "revoked", which may win the race.
    if (!(err instanceof RequestError) || err.code !== "UNAVAILABLE") toast(describe(err));
  }
  conn.stop();
  await outbox.clear().catch(() => undefined);
  forgetLastSession();
  await forgetToken();
  location.reload();
}

let welcomes = 0;
conn.onWelcome = (welcome) => {
  const first = welcomes === 0;
  welcomes += 1;
  model.setWelcome(welcome);
  catchUp(ctx, connWatch, welcome, first).catch((err) => toast(describe(err)));
  // Volunteers get pushes too: check-ins due, answers to their SOS, messages to the patrol.
  resyncPush(conn, welcome.vapidPublicKey ?? "").catch(() => undefined);
};
conn.onEvent = (event) => model.apply(event);
conn.onState = () => updateConnState();
conn.onSignedOut = () => {
  // Revoked elsewhere: the server dropped the subscription with the device.
  void forgetPush().catch(() => undefined);
  // Its writes can no longer be sent, and must not go out under the next sign-in.
  void outbox.clear().catch(() => undefined);
  forgetLastSession();
  void forgetToken().then(() => showSignin(t("signin.expired")));
};
model.subscribe((change) => {
  if (change === "alerts") updateTitle();
});
startAlarm(model);
model.onNewAlert = (alert) => {
  const kind = alertKind(alert);
  soundForNewAlert(alert);
  toast(t("alerts.new", { kind: t(`alerts.kind.${kind}` as MessageKey) }));
};
// A tapped notification's alert: the service worker asks an open dashboard to show it
// (or opens /#alert=<id>, which boot handles).
function showAlertFromHash(): void {
  if (location.hash === PATROL_HASH) {
    showPatrol();
    return;
  }
  if (SHIFT_HASH.test(location.hash)) {
    current = "shifts";
    if (model.welcome && !volunteerMode()) show("shifts");
    return;
  }
  if (!ALERT_HASH.test(location.hash)) return;
  current = "alerts";
  if (!model.welcome) return;
  // A lead on patrol who taps an alert's notification: the dashboard's alerts.
  if (volunteerMode() && staff()) setPatrolling(false);
  else if (!volunteerMode()) show("alerts");
}

// A tapped check-in or patrol message notification: the Patrol view.
function showPatrol(): void {
  currentVolunteer = "patrol";
  if (!model.welcome) {
    patrolling = true;
    return;
  }
  if (!volunteerMode()) setPatrolling(true);
  else volunteer?.show("patrol");
}
navigator.serviceWorker?.addEventListener("message", (event: MessageEvent) => {
  const data = event.data as { type?: unknown; alertId?: unknown } | null;
  const hash = `#alert=${typeof data?.alertId === "string" ? data.alertId : ""}`;
  if (data?.type !== "open-alert" || !ALERT_HASH.test(hash)) return;
  history.replaceState(null, "", hash);
  showAlertFromHash();
});
window.addEventListener("hashchange", showAlertFromHash);
document.addEventListener("click", unlockSound, { capture: true });
document.addEventListener("keydown", unlockSound, { capture: true });

async function boot(): Promise<void> {
  setLang(initialLang());
  const token = await loadToken();
  if (!token) {
    showSignin();
    return;
  }
  // With no network, the views open from what the last Welcome said, and take writes into
  // the outbox until the server answers.
  const last = loadLastSession();
  if (last) {
    model.restore(last.welcome, last.teams, last.areas);
    // Writes made before the Welcome belong to that sign-in, and go out only under it.
    void outbox.setOwner(last.welcome.volunteerId ?? "");
    renderShell();
  } else {
    showSignin(t("signin.resuming"), true);
  }
  try {
    await conn.start({ hello: { protocolVersion: 1, deviceToken: token } });
    if (!last || last.welcome.role !== model.role() || last.welcome.handle !== model.welcome?.handle) renderShell();
  } catch (err) {
    if (err instanceof RequestError && err.code === "UNAUTHENTICATED") {
      await forgetToken();
      forgetLastSession();
      await outbox.clear().catch(() => undefined);
      showSignin(t("signin.expired"));
    } else {
      showSignin(describe(err));
    }
  }
}

startAppShell();
void boot();
