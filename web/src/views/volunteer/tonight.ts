// Tonight: my next shifts and the open ones of my teams, with sign up and withdraw through
// the outbox (the state and any refusal beside the shift), and my calendar feed. Offline,
// the shifts last read stay on screen, marked as such.
import { Ctx, View } from "../../context";
import { clear, h } from "../../dom";
import { describe } from "../../errors";
import { clock, dayLabel } from "../../format";
import { MessageKey, t } from "../../i18n";
import { num, pb, staffingName } from "../../proto";
import { isPending, OutboxEntry } from "../../protocol/outbox";
import { calendarPanel } from "./calendar";
import { myPatrol, teamMates } from "./mine";
import { entryLine } from "./outbox_panel";

const AHEAD_DAYS = 30;
// The last list read, for a view opened again without a connection.
let lastRead: { shifts: pb.IShift[]; atMs: number } | null = null;

function shiftEntry(ctx: Ctx, shiftId: string): OutboxEntry | undefined {
  return ctx.outbox.list().reverse().find((e) => (e.kind === "signUp" || e.kind === "withdraw") && e.body.shiftId === shiftId);
}

export function tonightView(ctx: Ctx): View {
  const { model } = ctx;
  let shifts = new Map<string, pb.IShift>((lastRead?.shifts ?? []).map((s) => [s.shiftId ?? "", s]));
  const mineList = h("ul", { class: "vol-shifts", testid: "my-shifts" });
  const openList = h("ul", { class: "vol-shifts", testid: "open-shifts" });
  const mineEmpty = h("p", { class: "empty" }, t("vol.tonight.noneMine"));
  const openEmpty = h("p", { class: "empty" }, t("vol.tonight.noneOpen"));
  const status = h("p", { class: "hint", testid: "tonight-status", role: "status" });
  const patrolLine = h("p", { class: "note", testid: "tonight-patrol" });
  let serial = 0;

  function signedUp(shift: pb.IShift): boolean {
    return (shift.signUps ?? []).some((s) => s.volunteerId === model.volunteerId());
  }

  function act(kind: "signUp" | "withdraw", shiftId: string): void {
    void ctx.outbox.add(kind, kind === "withdraw" ? { shiftId, reason: "" } : { shiftId })
      .catch(() => { status.textContent = t("vol.saveFailed"); });
  }

  function card(shift: pb.IShift): HTMLElement {
    const id = shift.shiftId ?? "";
    const entry = shiftEntry(ctx, id);
    const pending = !!entry && isPending(entry);
    // What the volunteer asked for shows at once; the server's answer follows.
    const mine = pending ? entry.kind === "signUp" : signedUp(shift);
    const staffing = staffingName[shift.staffing ?? 0] ?? "UNDERSTAFFED";
    const cancelled = !!shift.cancelled;
    const start = num(shift.startsAtMs);
    const full = staffing === "FULL" && !mine;
    const button = cancelled ? null : h("button", {
      type: "button", class: mine ? "secondary" : "", testid: mine ? "shift-withdraw" : "shift-signup", disabled: pending || full,
      onclick: () => act(mine ? "withdraw" : "signUp", id),
    }, mine ? t("vol.tonight.withdraw") : t("vol.tonight.signUp"));
    const dismiss = entry?.state === "refused"
      ? h("button", { type: "button", class: "secondary small", testid: "shift-error-dismiss",
        onclick: () => void ctx.outbox.dismiss(entry.clientId) }, t("vol.outbox.dismiss"))
      : null;
    return h("li", { class: `vol-shift staffing-${staffing}`, testid: "vol-shift", "data-shift-id": id,
      "data-signed-up": String(mine), "data-staffing": staffing },
    h("h3", { class: "title" }, shift.title || t("vol.tonight.untitled")),
    h("p", { class: "when" }, `${dayLabel(new Date(start))}, ${clock(start)}–${clock(num(shift.endsAtMs))}`),
    h("p", { class: "where" }, shift.areaName || model.areaName(shift.areaId)),
    // The lead's instructions ("meet at the church steps", "bring water").
    shift.notes ? h("p", { class: "shift-notes", testid: "shift-notes" }, shift.notes) : null,
    h("p", { class: "staffing" }, cancelled ? t("shifts.staffing.CANCELLED")
      : t("vol.tonight.places", { n: (shift.signUps ?? []).length, max: shift.maxVolunteers ?? 0,
        state: t(`shifts.staffing.${staffing}` as MessageKey) })),
    button,
    entry && (pending || entry.state === "refused") ? entryLine(entry, "shift-state") : null,
    dismiss);
  }

  function render(): void {
    const now = model.now();
    const upcoming = [...shifts.values()].filter((s) => num(s.endsAtMs) > now)
      .sort((a, b) => num(a.startsAtMs) - num(b.startsAtMs));
    const isMine = (s: pb.IShift): boolean => {
      const e = shiftEntry(ctx, s.shiftId ?? "");
      return e && isPending(e) ? e.kind === "signUp" : signedUp(s);
    };
    const mine = upcoming.filter(isMine);
    // A coordinator lists every team's shifts: only those of teams one is a member of are open.
    const teams = new Set(teamMates(model).map((team) => team.teamId));
    const open = upcoming.filter((s) => !isMine(s) && !s.cancelled && teams.has(s.teamId ?? ""));
    clear(mineList);
    clear(openList);
    for (const s of mine) mineList.append(card(s));
    for (const s of open) openList.append(card(s));
    // Before the first list arrives (the app opened with no connection), "none" would be a
    // false statement: say that the shifts are not loaded.
    mineEmpty.textContent = lastRead ? t("vol.tonight.noneMine") : t("vol.tonight.notLoaded");
    mineEmpty.hidden = mine.length > 0;
    openEmpty.hidden = open.length > 0 || !lastRead;
    const patrol = myPatrol(ctx);
    patrolLine.hidden = !patrol;
    patrolLine.textContent = patrol ? t("vol.tonight.onPatrol", { area: model.areaName(patrol.areaId) || "—" }) : "";
  }

  async function load(): Promise<void> {
    const mine = ++serial;
    const now = model.liveNow();
    try {
      const list = await ctx.conn.call({ listShifts: { fromMs: now - 12 * 3600_000, toMs: now + AHEAD_DAYS * 86400_000 } },
        "shiftList");
      if (mine !== serial) return;
      lastRead = { shifts: list.shifts ?? [], atMs: Date.now() };
      shifts = new Map(lastRead.shifts.map((s) => [s.shiftId ?? "", s]));
      status.textContent = "";
      render();
    } catch (err) {
      if (mine !== serial) return;
      status.textContent = lastRead
        ? t("vol.tonight.stale", { time: clock(lastRead.atMs) })
        : describe(err);
    }
  }

  const el = h("section", { class: "view vol-view", testid: "view-tonight", "aria-labelledby": "tonight-h" },
    h("h1", { id: "tonight-h" }, t("vol.nav.tonight")),
    patrolLine, status,
    h("section", { class: "panel", "aria-labelledby": "my-shifts-h" },
      h("h2", { id: "my-shifts-h" }, t("vol.tonight.mine")), mineEmpty, mineList),
    h("section", { class: "panel", "aria-labelledby": "open-shifts-h" },
      h("h2", { id: "open-shifts-h" }, t("vol.tonight.open")), openEmpty, openList),
    calendarPanel(ctx));
  render();
  void load();
  const offModel = model.subscribe((change, detail) => {
    if (change === "shifts" && detail) {
      const shift = detail as pb.IShift;
      shifts.set(shift.shiftId ?? "", shift);
      render();
    } else if (change === "shifts" || change === "session") {
      void load();
    } else if (change === "patrols") {
      render();
    }
  });
  const offOutbox = ctx.outbox.subscribe(() => {
    render();
  });
  // A stored sign-up or withdrawal: read the shift as the server has it now (its event
  // reaches this phone too, but not when it was offline meanwhile).
  const settledCount = (): number =>
    ctx.outbox.list().filter((e) => (e.kind === "signUp" || e.kind === "withdraw") && !isPending(e)).length;
  let storedCount = settledCount();
  const offStored = ctx.outbox.subscribe(() => {
    const n = settledCount();
    if (n !== storedCount) {
      storedCount = n;
      void load();
    }
  });
  const offConn = ctx.conn.subscribe((state) => {
    if (state === "online") void load();
  });
  return { el, dispose: () => { offModel(); offOutbox(); offStored(); offConn(); } };
}
