// The shift planner: one week per team, a column a day, each shift with its staffing.
// Sign-ups and changes by others arrive as shift events and update the week in place.
import { Ctx, View } from "../context";
import { clear, h } from "../dom";
import { describe } from "../errors";
import { addDays, clock, dayLabel, isoDate, weekStart } from "../format";
import { MessageKey, t } from "../i18n";
import { num, pb, staffingName } from "../proto";
import { shiftForm } from "./shift_form";
import { takeShiftFocus } from "./shift_link";

// Where app.css stacks the days in one column.
const STACKED = "(max-width: 999px)";

export function shiftsView(ctx: Ctx): View {
  const { model, conn } = ctx;
  // A shift's link (the Tonight panel, an understaffed alert) opens its week and team.
  const focus = takeShiftFocus();
  let week = weekStart(focus?.startsAtMs ? new Date(focus.startsAtMs) : new Date());
  let teamId = focus?.teamId ?? "";
  let areaFilter = "";
  let shifts = new Map<string, pb.IShift>();
  let loadSerial = 0;
  // The week is one column on a phone: its first showing of this week scrolls to today.
  let scrolledToToday = false;

  const teamSelect = h("select", { id: "shift-team", testid: "shift-team" });
  const areaSelect = h("select", { id: "shift-area-filter", testid: "shift-area-filter" });
  const label = h("span", { class: "week-label", testid: "week-label", "aria-live": "polite" });
  const grid = h("div", { class: "week" });
  const status = h("p", { class: "form-error", role: "alert" });
  const canPlan = () => model.plannableTeams().some((team) => team.teamId === teamId);
  const newButton = h("button", { type: "button", testid: "shift-new" }, t("shifts.new"));
  const form = shiftForm(ctx, () => teamId, () => void load());

  function teams(): pb.ITeam[] {
    // Leads plan for the teams they lead; a volunteer sees their own teams' shifts.
    const plannable = model.plannableTeams();
    return plannable.length > 0 ? plannable : model.teams;
  }

  function fillControls(): void {
    const list = teams();
    clear(teamSelect);
    for (const team of list) teamSelect.append(h("option", { value: team.teamId }, team.name));
    if (!list.some((team) => team.teamId === teamId)) teamId = list[0]?.teamId ?? "";
    teamSelect.value = teamId;
    clear(areaSelect);
    areaSelect.append(h("option", { value: "" }, t("shifts.allAreas")));
    for (const a of [...model.areas.values()].sort((x, y) => (x.name ?? "").localeCompare(y.name ?? ""))) {
      areaSelect.append(h("option", { value: a.areaId }, a.name));
    }
    areaSelect.value = areaFilter;
    newButton.hidden = !canPlan();
  }

  function card(shift: pb.IShift): HTMLElement {
    const staffing = staffingName[shift.staffing ?? 0] ?? "UNDERSTAFFED";
    const signUps = shift.signUps ?? [];
    const open = () => { if (canPlan()) form.open(shift, new Date(num(shift.startsAtMs))); };
    return h("li", null, h("button", { type: "button", class: `shift staffing-${staffing}`, testid: "shift", "data-shift-id": shift.shiftId,
      "data-staffing": staffing, onclick: open, disabled: !canPlan() },
    h("span", { class: "title", testid: "shift-title" }, shift.title),
    h("span", { class: "time", testid: "shift-time" }, `${clock(num(shift.startsAtMs))}–${clock(num(shift.endsAtMs))}`),
    h("span", { class: "area-name" }, shift.areaName || model.areaName(shift.areaId)),
    h("span", { class: "staffing" },
      h("span", { class: "state" }, t(`shifts.staffing.${staffing}` as MessageKey)), " ",
      h("span", { testid: "shift-staffing" }, `${signUps.length}/${shift.maxVolunteers ?? 0}`)),
    h("span", { class: "signups", testid: "shift-signups" },
      signUps.length > 0 ? signUps.map((s) => s.handle).join(", ") : t("shifts.nobody"))));
  }

  function render(): void {
    const end = addDays(week, 6);
    label.textContent = `${isoDate(week)} – ${isoDate(end)}`;
    const today = isoDate(new Date());
    thisWeek.hidden = isoDate(week) === isoDate(weekStart(new Date()));
    clear(grid);
    for (let i = 0; i < 7; i++) {
      const day = addDays(week, i);
      const next = addDays(week, i + 1);
      const todays = [...shifts.values()]
        .filter((s) => num(s.startsAtMs) >= day.getTime() && num(s.startsAtMs) < next.getTime())
        .filter((s) => !areaFilter || s.areaId === areaFilter)
        .sort((a, b) => num(a.startsAtMs) - num(b.startsAtMs));
      const headingId = `day-${isoDate(day)}`;
      const isToday = isoDate(day) === today;
      grid.append(h("section", { class: isToday ? "day today" : "day", testid: "day", "data-date": isoDate(day),
        "aria-labelledby": headingId, "aria-current": isToday ? "date" : undefined },
      h("h2", { id: headingId }, dayLabel(day),
        isToday ? h("span", { class: "today-label", testid: "shift-today" }, t("shifts.today")) : null),
      todays.length > 0 ? h("ul", { class: "shifts" }, todays.map(card)) : h("p", { class: "empty" }, t("shifts.none"))));
    }
    focus?.mark(grid);
  }

  // On a phone (the days stacked) the lead lands on today, not on Monday.
  function scrollToToday(): void {
    if (scrolledToToday) return;
    const column = grid.querySelector<HTMLElement>(".day.today");
    if (!column || !el.isConnected) return;
    scrolledToToday = true;
    // Monday needs no scrolling: today is already in sight below the controls.
    if (window.matchMedia(STACKED).matches && column.getBoundingClientRect().top > window.innerHeight / 2) {
      column.scrollIntoView({ block: "start" });
    }
  }

  async function load(): Promise<void> {
    const serial = ++loadSerial;
    status.textContent = "";
    if (!teamId) {
      shifts = new Map();
      status.textContent = model.teams.length > 0 ? "" : t("shifts.noTeam");
      render();
      return;
    }
    try {
      const list = await conn.call({ listShifts: { fromMs: week.getTime(), toMs: addDays(week, 7).getTime(), teamId } }, "shiftList");
      if (serial !== loadSerial) return;
      shifts = new Map((list.shifts ?? []).map((s) => [s.shiftId ?? "", s]));
      render();
      scrollToToday();
    } catch (err) {
      if (serial === loadSerial) status.textContent = describe(err);
    }
  }

  teamSelect.addEventListener("change", () => { teamId = teamSelect.value; newButton.hidden = !canPlan(); void load(); });
  areaSelect.addEventListener("change", () => { areaFilter = areaSelect.value; render(); });
  newButton.addEventListener("click", () => {
    const today = new Date();
    const inWeek = today >= week && today < addDays(week, 7);
    form.open(null, inWeek ? today : week);
  });
  const prev = h("button", { type: "button", class: "secondary", testid: "week-prev", onclick: () => { week = addDays(week, -7); void load(); } }, "‹ ", t("shifts.prev"));
  const next = h("button", { type: "button", class: "secondary", testid: "week-next", onclick: () => { week = addDays(week, 7); void load(); } }, t("shifts.next"), " ›");
  const thisWeek = h("button", { type: "button", class: "secondary", testid: "week-this", hidden: true,
    onclick: () => { week = weekStart(new Date()); scrolledToToday = false; void load(); } }, t("shifts.thisWeek"));

  const el = h("section", { class: "view shifts-view", testid: "view-shifts", "aria-labelledby": "shifts-h" },
    h("h1", { id: "shifts-h" }, t("shifts.heading")),
    h("div", { class: "controls" },
      h("div", { class: "field" }, h("label", { for: "shift-team" }, t("shifts.team")), teamSelect),
      h("div", { class: "field" }, h("label", { for: "shift-area-filter" }, t("shifts.area")), areaSelect),
      h("div", { class: "weeknav" }, prev, label, next, thisWeek),
      newButton),
    status, grid, form.el);

  fillControls();
  render();
  void load();
  const unsubscribe = model.subscribe((change, detail) => {
    if (change === "session") {
      const before = teamId;
      fillControls();
      if (teamId !== before) void load();
    } else if (change === "shifts" && !detail) {
      void load();  // a resync after a long time offline: the week as it is now
    } else if (change === "shifts" && detail) {
      const shift = pb.Shift.create(detail as pb.IShift);
      const starts = num(shift.startsAtMs);
      if (shift.teamId === teamId && starts >= week.getTime() && starts < addDays(week, 7).getTime()) {
        shifts.set(shift.shiftId, shift);
      } else {
        shifts.delete(shift.shiftId);
      }
      render();
      form.refresh(shift);
    }
  });
  return { el, dispose: unsubscribe };
}
