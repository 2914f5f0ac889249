// Starting a patrol: the area, who walks with me (members of my teams), the shift it
// belongs to if any, and how often we check in. The StartPatrol goes into the outbox with
// the phone's time, so a patrol can start in a basement with no signal.
import { Ctx } from "../../context";
import { clear, h } from "../../dom";
import { clock, dayLabel } from "../../format";
import { t } from "../../i18n";
import { num, pb } from "../../proto";
import { OutboxEntry } from "../../protocol/outbox";
import { teamMates } from "./mine";
import { refusalText } from "./outbox_panel";

const INTERVALS_MIN = [10, 15, 20, 30, 45, 60];
const DEFAULT_INTERVAL_MIN = 20;

export function patrolStartForm(ctx: Ctx): { el: HTMLElement; dispose(): void } {
  const { model } = ctx;
  const area = h("select", { id: "patrol-area", testid: "patrol-area", required: true, "aria-describedby": "patrol-area-error" });
  const areaError = h("p", { class: "field-error", id: "patrol-area-error", testid: "patrol-area-error", role: "alert" });
  const shift = h("select", { id: "patrol-shift", testid: "patrol-shift" });
  const interval = h("select", { id: "patrol-interval", testid: "patrol-interval" },
    INTERVALS_MIN.map((m) => h("option", { value: String(m * 60) }, t("vol.patrol.everyMinutes", { n: m }))));
  interval.value = String(DEFAULT_INTERVAL_MIN * 60);
  const partners = h("div", { class: "partners" });
  const refused = h("div", { class: "refusal", testid: "patrol-start-refused" });
  const submit = h("button", { type: "submit", class: "primary big", testid: "patrol-start" }, t("vol.patrol.start"));
  let shifts: pb.IShift[] = [];

  function fillAreas(): void {
    const chosen = area.value;
    clear(area);
    area.append(h("option", { value: "" }, t("vol.patrol.chooseArea")));
    for (const a of [...model.areas.values()].sort((x, y) => (x.name ?? "").localeCompare(y.name ?? ""))) {
      area.append(h("option", { value: a.areaId ?? "" }, a.name ?? ""));
    }
    if ([...area.options].some((o) => o.value === chosen)) area.value = chosen;
    else if (model.areas.size === 1) area.value = [...model.areas.keys()][0];
  }

  function fillPartners(): void {
    const checked = new Set([...partners.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value));
    clear(partners);
    const teams = teamMates(model);
    if (teams.length === 0) {
      partners.append(h("p", { class: "empty" }, t("vol.patrol.noTeam")));
      return;
    }
    for (const team of teams) {
      const boxes = team.members.map((m) => {
        const id = `partner-${team.teamId}-${m.volunteerId}`;
        return h("li", null, h("input", { type: "checkbox", id, value: m.volunteerId ?? "", testid: "patrol-partner",
          "data-handle": m.handle ?? "", checked: checked.has(m.volunteerId ?? "") }),
        h("label", { for: id }, m.handle ?? ""));
      });
      partners.append(h("fieldset", null,
        h("legend", null, teams.length > 1 ? t("vol.patrol.partnersOf", { team: team.teamName }) : t("vol.patrol.partners")),
        boxes.length > 0 ? h("ul", { class: "checks" }, boxes) : h("p", { class: "empty" }, t("vol.patrol.nobodyElse"))));
    }
  }

  function fillShifts(): void {
    const chosen = shift.value;
    clear(shift);
    shift.append(h("option", { value: "" }, t("vol.patrol.noShift")));
    for (const s of shifts) {
      shift.append(h("option", { value: s.shiftId ?? "" },
        `${s.title || t("vol.tonight.untitled")} · ${dayLabel(new Date(num(s.startsAtMs)))} ${clock(num(s.startsAtMs))}`));
    }
    if ([...shift.options].some((o) => o.value === chosen)) shift.value = chosen;
  }

  // The shifts of mine that a patrol may start for now: from an hour before until the end.
  async function loadShifts(): Promise<void> {
    const now = model.liveNow();
    try {
      const list = await ctx.conn.call({ listShifts: { fromMs: now - 12 * 3600_000, toMs: now + 3600_000, onlyMine: true } },
        "shiftList");
      shifts = (list.shifts ?? []).filter((s) => !s.cancelled && num(s.endsAtMs) > now && num(s.startsAtMs) - 3600_000 <= now);
      fillShifts();
    } catch {
      /* offline: ad hoc only, which is always possible */
    }
  }

  shift.addEventListener("change", () => {
    const s = shifts.find((x) => x.shiftId === shift.value);
    if (!s) return;
    if (s.areaId) area.value = s.areaId;
    const signedUp = new Set((s.signUps ?? []).map((x) => x.volunteerId));
    for (const box of partners.querySelectorAll<HTMLInputElement>("input[type=checkbox]")) box.checked = signedUp.has(box.value);
  });

  const form = h("form", { class: "patrol-start", testid: "patrol-start-form", novalidate: true },
    h("div", { class: "field" }, h("label", { for: "patrol-area" }, t("vol.patrol.area")), area, areaError),
    partners,
    h("div", { class: "field" }, h("label", { for: "patrol-shift" }, t("vol.patrol.shift")), shift),
    h("div", { class: "field" }, h("label", { for: "patrol-interval" }, t("vol.patrol.interval")), interval),
    submit, refused);

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    areaError.textContent = "";
    if (!area.value && !shift.value) {
      areaError.textContent = t("vol.patrol.areaRequired");
      area.focus();
      return;
    }
    const memberIds = [...partners.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value);
    submit.disabled = true;
    ctx.outbox.add("startPatrol", {
      areaId: area.value, shiftId: shift.value, memberIds, checkinIntervalS: Number(interval.value), startedAtMs: Date.now(),
    }).catch(() => {
      areaError.textContent = t("vol.saveFailed");
    }).finally(() => { submit.disabled = false; });
  });

  // The last StartPatrol the server refused, beside the form, until it is dismissed.
  function renderRefusal(): void {
    clear(refused);
    const last: OutboxEntry | undefined = ctx.outbox.list().reverse().find((e) => e.kind === "startPatrol");
    if (last?.state !== "refused") return;
    refused.append(h("p", { class: "field-error", role: "alert", testid: "patrol-start-error" }, refusalText(last)),
      h("button", { type: "button", class: "secondary small", onclick: () => void ctx.outbox.dismiss(last.clientId) },
        t("vol.outbox.dismiss")));
  }

  fillAreas();
  fillPartners();
  fillShifts();
  renderRefusal();
  void loadShifts();
  const offModel = model.subscribe((change) => {
    if (change === "session") {
      fillAreas();
      fillPartners();
    }
  });
  const offOutbox = ctx.outbox.subscribe(renderRefusal);
  const el = h("section", { class: "panel", "aria-labelledby": "patrol-start-h" },
    h("h2", { id: "patrol-start-h" }, t("vol.patrol.startHeading")), form);
  return { el, dispose: () => { offModel(); offOutbox(); } };
}
