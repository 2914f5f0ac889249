// The board's Tonight panel: the shifts of the user's teams (a coordinator's: all) running
// now and starting in the next 12 hours, each with its time, area, team, who signed up and
// its staffing, linking to the shift in the Shifts view. Listed when the board opens and
// after every (re)connect; shift events keep it current in between.
import { Ctx } from "../context";
import { clear, h } from "../dom";
import { describe } from "../errors";
import { MessageKey, t } from "../i18n";
import { num, pb, staffingName } from "../proto";
import { followWhileShown, rememberShift, shiftLink, shiftWhen, staffingText } from "./shift_link";

// How far ahead "tonight" reaches: at 16:00 until 04:00, at 02:00 until 14:00. A shift
// lasts at most 12 hours (SHIFT_TOO_LONG), so the ones running now started within 12 hours.
const AHEAD_MS = 12 * 3600_000;
const LONGEST_SHIFT_MS = 12 * 3600_000;

// The panel lives as long as its element is in the page: the board places it and needs
// not dispose it.
export function tonightPanel(ctx: Ctx): HTMLElement {
  const { model, conn } = ctx;
  let shifts = new Map<string, pb.IShift>();
  let loaded = false;
  let serial = 0;

  const list = h("ul", { class: "tonight-list" });
  const empty = h("p", { class: "empty", testid: "tonight-empty", hidden: true });
  const status = h("p", { class: "form-error", role: "status" });
  const el = h("section", { class: "panel tonight-panel", testid: "tonight-panel", "aria-labelledby": "tonight-h" },
    h("h2", { id: "tonight-h" }, t("tonight.heading")),
    h("p", { class: "hint" }, t("tonight.hint")),
    status, empty, list);

  function tonight(s: pb.IShift, now: number): boolean {
    return !s.cancelled && num(s.endsAtMs) > now && num(s.startsAtMs) < now + AHEAD_MS;
  }

  function item(s: pb.IShift, now: number): HTMLElement {
    const start = num(s.startsAtMs);
    const running = start <= now;
    const staffing = staffingName[s.staffing ?? 0] ?? "UNDERSTAFFED";
    const signUps = s.signUps ?? [];
    const area = s.areaName || model.areaName(s.areaId);
    const team = model.teamName(s.teamId);
    return h("li", { class: `tonight-shift staffing-${staffing}`, testid: "tonight-shift", "data-shift-id": s.shiftId,
      "data-staffing": staffing, "data-running": String(running) },
    h("p", { class: "tonight-head" },
      h("span", { class: "tonight-time", testid: "tonight-time" }, shiftWhen(start, num(s.endsAtMs))),
      running ? h("span", { class: "tag tonight-now" }, t("tonight.now")) : null),
    h("p", { class: "tonight-title" },
      shiftLink({ shiftId: s.shiftId ?? "", startsAtMs: start, teamId: s.teamId ?? "" }, s.title || t("vol.tonight.untitled"))),
    h("p", { class: "meta" }, [area, team ? t("board.team", { name: team }) : ""].filter(Boolean).join(" · ")),
    h("p", { class: "signups", testid: "tonight-signups" },
      signUps.length > 0 ? signUps.map((x) => x.handle).join(", ") : t("shifts.nobody")),
    h("p", { class: "staffing" },
      h("span", { testid: "tonight-staffing" }, staffingText(signUps.length, s.minVolunteers ?? 0)), " · ",
      h("span", { class: "state" }, t(`shifts.staffing.${staffing}` as MessageKey))));
  }

  function render(): void {
    const now = model.now();
    const shown = [...shifts.values()].filter((s) => tonight(s, now)).sort((a, b) => {
      // Running ones first, then by start.
      const ra = num(a.startsAtMs) <= now ? 0 : 1;
      const rb = num(b.startsAtMs) <= now ? 0 : 1;
      return ra - rb || num(a.startsAtMs) - num(b.startsAtMs);
    });
    clear(list);
    for (const s of shown) list.append(item(s, now));
    el.dataset.loaded = String(loaded);
    empty.hidden = shown.length > 0;
    // Before the first list arrives (the page opened with no connection), "none" would be
    // a false statement.
    empty.textContent = loaded ? t("tonight.empty") : t("tonight.notLoaded");
  }

  async function load(): Promise<void> {
    const mine = ++serial;
    // The server's time as it is, even while the board's clock still stands at an outage.
    const now = model.liveNow();
    try {
      const reply = await conn.call({ listShifts: { fromMs: now - LONGEST_SHIFT_MS, toMs: now + AHEAD_MS } }, "shiftList");
      if (mine !== serial) return;
      shifts = new Map((reply.shifts ?? []).map((s) => [s.shiftId ?? "", s]));
      for (const s of shifts.values()) rememberShift(s);
      loaded = true;
      status.textContent = "";
      render();
    } catch (err) {
      // Offline: the banner says so, and the list stays as it was.
      if (mine === serial && conn.state === "online") status.textContent = describe(err);
    }
  }

  render();
  void load();
  const alive = followWhileShown(el, model, (change, detail) => {
    if (change === "session") {
      void load(); // a (re)connect: the shifts as they are now
    } else if (change === "shifts" && !detail) {
      void load();
    } else if (change === "shifts") {
      const shift = detail as pb.IShift;
      if (!shift.shiftId) return;
      rememberShift(shift);
      shifts.set(shift.shiftId, shift);
      render();
    }
  });
  // Shifts start and end as the night goes on.
  const timer = window.setInterval(() => {
    if (alive()) render();
    else window.clearInterval(timer);
  }, 30_000);
  return el;
}
