// The Patrol view: start a patrol, or, on one, a large check-in button with a countdown to
// the next check-in, "need support", and ending the patrol. The position is read once per
// check-in, never watched; the screen says that only a coarse cell is stored.
import { Ctx, View } from "../../context";
import { clear, h } from "../../dom";
import { clock } from "../../format";
import { t } from "../../i18n";
import { pb } from "../../proto";
import { OutboxEntry } from "../../protocol/outbox";
import { positionOnce } from "./geo";
import { isAbout, MyPatrol, myPatrol, nextDue, patrolLink } from "./mine";
import { entryLine } from "./outbox_panel";
import { patrolStartForm } from "./patrol_start";

// "12:05" for minutes and seconds; "1:02:05" past an hour.
export function duration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

export function patrolView(ctx: Ctx): View {
  const { model } = ctx;
  const body = h("div", { class: "patrol-body" });
  const start = patrolStartForm(ctx);
  const countdown = h("p", { class: "countdown", testid: "checkin-countdown", role: "timer" });
  const checkinStatus = h("div", { class: "checkin-status", testid: "checkin-status", "aria-live": "polite" });
  const checkIn = h("button", { type: "button", class: "checkin-button", testid: "checkin" }, t("vol.patrol.checkIn"));
  const support = h("button", { type: "button", class: "support-button", testid: "checkin-support" }, t("vol.patrol.needSupport"));
  const ending = h("div", { class: "row end-row" });
  let confirmEnd = false;
  let locating = false;
  let shown: "start" | "active" | "" = "";
  let current: MyPatrol | null = null;
  // The check-in sent without a position (refused or unavailable), to say so beside it.
  let withoutPosition = "";
  const heading = h("h2", { id: "on-patrol-h" });
  const members = h("p", { testid: "patrol-members" });
  const pending = h("p", { class: "hint", testid: "patrol-pending" }, t("vol.patrol.startPending"));
  const supportAsked = h("p", { class: "need-support", testid: "patrol-needs-support" }, t("vol.patrol.supportAsked"));
  const active = h("section", { class: "panel on-patrol", testid: "on-patrol", "aria-labelledby": "on-patrol-h" },
    heading, members, pending, supportAsked, countdown, checkIn,
    h("p", { class: "hint", testid: "position-note" }, t("vol.patrol.positionNote")),
    checkinStatus, support, ending);

  async function sendCheckIn(status: pb.CheckInStatus): Promise<void> {
    if (!current || locating) return;
    const atMs = Date.now();
    locating = true;
    checkIn.disabled = true;
    support.disabled = true;
    clear(checkinStatus);
    checkinStatus.append(h("p", null, t("vol.patrol.locating")));
    const where = await positionOnce();
    // The StartPatrol may have been stored meanwhile: name the patrol as it is known now.
    const patrol = myPatrol(ctx) ?? current;
    const link = patrolLink(patrol);
    const request: Record<string, unknown> = { ...link.body, atMs, status };
    if (where) request.location = where;
    try {
      const entry = await ctx.outbox.add("checkIn", request, link.links);
      withoutPosition = where ? "" : entry.clientId;
      locating = false;
      renderStatus();
    } catch {
      locating = false;
      checkinStatus.textContent = t("vol.saveFailed");
    } finally {
      checkIn.disabled = false;
      support.disabled = false;
    }
  }

  function lastCheckIn(p: MyPatrol): OutboxEntry | undefined {
    return ctx.outbox.list().reverse().find((e) => e.kind === "checkIn" && isAbout(e, p));
  }

  function renderStatus(): void {
    if (!current || locating) return;
    clear(checkinStatus);
    const last = lastCheckIn(current);
    if (!last) return;
    checkinStatus.append(h("p", null, t("vol.patrol.lastCheckIn", { time: clock(last.createdMs) })), entryLine(last, "checkin-state"));
    if (last.clientId === withoutPosition) {
      checkinStatus.append(h("p", { class: "hint", testid: "checkin-no-position" }, t("vol.patrol.noPosition")));
    }
  }

  function tick(): void {
    if (!current) return;
    const left = nextDue(ctx, current) - model.liveNow();
    countdown.dataset.overdue = String(left < 0);
    countdown.textContent = left >= 0
      ? t("vol.patrol.dueIn", { time: duration(left) })
      : t("vol.patrol.overdueBy", { time: duration(-left) });
  }

  function renderEnding(): void {
    const key = !current ? "" : current.ending ? "ending" : confirmEnd ? "confirm" : "idle";
    if (key === ending.dataset.state) return;
    ending.dataset.state = key;
    clear(ending);
    if (!current) return;
    if (current.ending) {
      ending.append(h("p", { class: "hint", testid: "patrol-ending" }, t("vol.patrol.ending")));
    } else if (confirmEnd) {
      // "Keep walking" where "End patrol" was: a double tap does not end the patrol.
      ending.append(
        h("button", { type: "button", class: "secondary", testid: "patrol-end-cancel",
          onclick: () => { confirmEnd = false; renderEnding(); } }, t("vol.patrol.endCancel")),
        h("button", { type: "button", class: "danger", testid: "patrol-end-confirm", onclick: () => void end() }, t("vol.patrol.endConfirm")));
    } else {
      ending.append(h("button", { type: "button", class: "secondary", testid: "patrol-end",
        onclick: () => { confirmEnd = true; renderEnding(); } }, t("vol.patrol.end")));
    }
  }

  async function end(): Promise<void> {
    confirmEnd = false;
    if (!current) return;
    const link = patrolLink(current);
    await ctx.outbox.add("endPatrol", { ...link.body, endedAtMs: Date.now() }, link.links).catch(() => undefined);
  }

  function render(): void {
    current = myPatrol(ctx);
    if (!current) {
      if (shown !== "start") {
        clear(body);
        body.append(start.el);
        shown = "start";
      }
      return;
    }
    const p = current;
    if (shown !== "active") {
      clear(body);
      body.append(active);
      shown = "active";
    }
    active.dataset.patrolId = p.patrolId;
    const area = model.areaName(p.areaId);
    heading.textContent = area ? t("vol.patrol.onPatrolIn", { area }) : t("vol.patrol.onPatrol");
    const names = p.memberIds.filter((id) => id !== model.volunteerId()).map((id) => model.handleOf(id)).filter(Boolean);
    members.textContent = names.length > 0 ? t("vol.patrol.with", { names: names.join(", ") }) : t("vol.patrol.alone");
    pending.hidden = !!p.patrolId;
    supportAsked.hidden = p.patrol?.lastStatus !== pb.CheckInStatus.CHECK_IN_STATUS_NEED_SUPPORT;
    tick();
    renderStatus();
    renderEnding();
  }

  checkIn.addEventListener("click", () => void sendCheckIn(pb.CheckInStatus.CHECK_IN_STATUS_OK));
  support.addEventListener("click", () => void sendCheckIn(pb.CheckInStatus.CHECK_IN_STATUS_NEED_SUPPORT));

  const el = h("section", { class: "view vol-view", testid: "view-patrol", "aria-labelledby": "patrol-h" },
    h("h1", { id: "patrol-h" }, t("vol.nav.patrol")), body);
  render();
  const offModel = model.subscribe((change) => {
    if (change === "patrols" || change === "session" || change === "checkInDue") render();
  });
  const offOutbox = ctx.outbox.subscribe(render);
  const timer = window.setInterval(tick, 1000);
  return { el, dispose: () => { offModel(); offOutbox(); window.clearInterval(timer); start.dispose(); } };
}
