// The shift editor: create, edit, cancel, assign and unassign. Rule errors from the server
// are shown beside the field they name.
import { RequestError } from "../protocol/connection";
import { Ctx } from "../context";
import { clear, h } from "../dom";
import { describe } from "../errors";
import { isoDate, isoTime } from "../format";
import { t } from "../i18n";
import { newClientId, num, pb } from "../proto";

// The request fields that have a place in the form; any other error goes to form-error.
const FIELDS = ["title", "area_id", "starts_at_ms", "ends_at_ms", "min_volunteers", "max_volunteers", "notes", "volunteer_id", "reason"];

export interface ShiftForm {
  open(shift: pb.IShift | null, day: Date): void;
  refresh(shift: pb.IShift): void;
  el: HTMLDialogElement;
}

export function shiftForm(ctx: Ctx, teamId: () => string, onSaved: () => void): ShiftForm {
  const { conn, model } = ctx;
  let editing: pb.IShift | null = null;

  const errors = new Map<string, HTMLElement>();
  const errorFor = (name: string) => {
    const p = h("p", { class: "field-error", id: `error-${name}`, testid: `error-${name}`, role: "alert" });
    errors.set(name, p);
    return p;
  };
  const labelled = (id: string, label: string, input: HTMLElement, errorName: string) => {
    input.id = id;
    input.setAttribute("aria-describedby", `error-${errorName}`);
    return h("div", { class: "field" }, h("label", { for: id }, label), input, errorFor(errorName));
  };

  const title = h("input", { testid: "f-title", maxlength: "80", required: true });
  const area = h("select", { testid: "f-area" });
  const date = h("input", { type: "date", testid: "f-date", required: true });
  const start = h("input", { type: "time", testid: "f-start", required: true });
  const end = h("input", { type: "time", testid: "f-end", required: true });
  const min = h("input", { type: "number", testid: "f-min", min: "0", max: "50", value: "2" });
  const max = h("input", { type: "number", testid: "f-max", min: "1", max: "50", value: "4" });
  const notes = h("textarea", { testid: "f-notes", maxlength: "1000", rows: "3" });
  const save = h("button", { type: "submit", testid: "f-save" }, t("shifts.form.save"));
  const close = h("button", { type: "button", testid: "f-close", class: "secondary" }, t("shifts.form.close"));
  const formError = h("p", { class: "form-error", testid: "form-error", role: "alert" });
  const heading = h("h2", { id: "shift-form-h" });
  const manage = h("div", { class: "manage" });

  const form = h("form", { testid: "shift-form", class: "shift-form", novalidate: true },
    heading,
    labelled("f-title", t("shifts.form.title"), title, "title"),
    labelled("f-area", t("shifts.form.area"), area, "area_id"),
    h("div", { class: "row" },
      labelled("f-date", t("shifts.form.date"), date, "starts_at_ms"),
      labelled("f-start", t("shifts.form.start"), start, "start"),
      labelled("f-end", t("shifts.form.end"), end, "ends_at_ms")),
    h("div", { class: "row" },
      labelled("f-min", t("shifts.form.min"), min, "min_volunteers"),
      labelled("f-max", t("shifts.form.max"), max, "max_volunteers")),
    labelled("f-notes", t("shifts.form.notes"), notes, "notes"),
    formError,
    h("div", { class: "actions" }, save, close),
    manage);
  const dialog = h("dialog", { class: "dialog", "aria-labelledby": "shift-form-h" }, form);
  close.addEventListener("click", () => dialog.close());

  function clearErrors(): void {
    for (const p of errors.values()) p.textContent = "";
    formError.textContent = "";
  }

  function showError(err: unknown): void {
    const field = err instanceof RequestError ? err.field : "";
    const target = FIELDS.includes(field) ? errors.get(field) : undefined;
    (target ?? formError).textContent = describe(err);
  }

  function times(): { startsAt: number; endsAt: number } | null {
    if (!date.value || !start.value || !end.value) return null;
    const startsAt = new Date(`${date.value}T${start.value}`).getTime();
    let endsAt = new Date(`${date.value}T${end.value}`).getTime();
    // An evening shift often ends after midnight: an end at or before the start is the next day.
    if (endsAt <= startsAt) endsAt = new Date(new Date(endsAt).setDate(new Date(endsAt).getDate() + 1)).getTime();
    return { startsAt, endsAt };
  }

  function fillAreas(selected: string): void {
    clear(area);
    const areas = [...model.areas.values()].sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""));
    for (const a of areas) area.append(h("option", { value: a.areaId }, a.name));
    if (selected) area.value = selected;
  }

  async function write(body: Parameters<typeof conn.call>[0], done: string): Promise<void> {
    clearErrors();
    try {
      const ack = await conn.call(body, "ack", { resend: true });
      ctx.toast(ack.duplicate && body.updateShift ? t("shifts.form.unchanged") : done);
      onSaved();
    } catch (err) {
      showError(err);
      throw err;
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors();
    if (!title.value.trim()) {
      errors.get("title")!.textContent = t("shifts.form.required");
      title.focus();
      return;
    }
    const when = times();
    if (!when) {
      errors.get("starts_at_ms")!.textContent = t("shifts.form.required");
      return;
    }
    const minValue = Number(min.value || 0);
    const maxValue = Number(max.value || 0);
    save.disabled = true;
    let request: Parameters<typeof conn.call>[0];
    if (!editing) {
      request = { createShift: { clientId: newClientId(), teamId: teamId(), areaId: area.value, startsAtMs: when.startsAt,
        endsAtMs: when.endsAt, minVolunteers: minValue, maxVolunteers: maxValue, title: title.value.trim(), notes: notes.value.trim() } };
    } else {
      // Only what changed is sent, so an edit never undoes someone else's.
      const u: pb.IUpdateShift = { shiftId: editing.shiftId, clientId: newClientId() };
      if (area.value !== editing.areaId) u.areaId = area.value;
      if (when.startsAt !== num(editing.startsAtMs)) u.startsAtMs = when.startsAt;
      if (when.endsAt !== num(editing.endsAtMs)) u.endsAtMs = when.endsAt;
      if (minValue !== editing.minVolunteers) u.minVolunteers = minValue;
      if (maxValue !== editing.maxVolunteers) u.maxVolunteers = maxValue;
      if (title.value.trim() !== editing.title) u.title = title.value.trim();
      if (notes.value.trim() !== editing.notes) u.notes = notes.value.trim();
      request = { updateShift: u };
    }
    write(request, t("shifts.form.saved"))
      .then(() => dialog.close())
      .catch(() => undefined)
      .finally(() => (save.disabled = false));
  });

  function renderManage(shift: pb.IShift | null): void {
    clear(manage);
    if (!shift || shift.cancelled) return;
    const shiftId = shift.shiftId ?? "";
    const signUps = shift.signUps ?? [];
    const team = model.teams.find((x) => x.teamId === shift.teamId);
    const others = (team?.members ?? []).filter((m) => !signUps.some((s) => s.volunteerId === m.volunteerId));
    const assign = h("select", { id: "f-assign", testid: "f-assign", "aria-describedby": "error-volunteer_id" },
      others.map((m) => h("option", { value: m.volunteerId }, m.handle)));
    const reason = h("input", { id: "f-cancel-reason", testid: "f-cancel-reason", maxlength: "280", "aria-describedby": "error-reason" });
    manage.append(
      h("h3", null, t("shifts.form.signups")),
      h("ul", { class: "signups" }, signUps.map((s) => h("li", null,
        h("span", null, s.handle, s.assigned ? ` (${t("shifts.assigned")})` : ""),
        h("button", { type: "button", class: "secondary small", testid: "f-unassign", "data-volunteer-id": s.volunteerId,
          onclick: () => void write({ unassignShift: { shiftId, volunteerId: s.volunteerId, clientId: newClientId() } }, t("shifts.form.saved")).catch(() => undefined) },
        t("shifts.form.unassign", { handle: s.handle ?? "" }))))),
      h("div", { class: "field" }, h("label", { for: "f-assign" }, t("shifts.form.assign")),
        h("div", { class: "row" }, assign,
          h("button", { type: "button", testid: "f-assign-submit", disabled: others.length === 0,
            onclick: () => void write({ assignShift: { shiftId, volunteerId: assign.value, clientId: newClientId() } }, t("shifts.form.saved")).catch(() => undefined) },
          t("shifts.form.assignSubmit"))),
        errorFor("volunteer_id")),
      h("div", { class: "field" }, h("label", { for: "f-cancel-reason" }, t("shifts.form.cancelReason")), reason, errorFor("reason")),
      h("button", { type: "button", class: "danger", testid: "f-cancel",
        onclick: () => void write({ cancelShift: { shiftId, reason: reason.value.trim(), clientId: newClientId() } }, t("shifts.form.cancelled"))
          .then(() => dialog.close()).catch(() => undefined) },
      t("shifts.form.cancel")));
  }

  function fill(shift: pb.IShift | null, day: Date): void {
    editing = shift;
    heading.textContent = shift ? t("shifts.form.edit") : t("shifts.form.new");
    fillAreas(shift?.areaId ?? area.value);
    if (shift) {
      const s = new Date(num(shift.startsAtMs));
      title.value = shift.title ?? "";
      date.value = isoDate(s);
      start.value = isoTime(s);
      end.value = isoTime(new Date(num(shift.endsAtMs)));
      min.value = String(shift.minVolunteers ?? 0);
      max.value = String(shift.maxVolunteers ?? 1);
      notes.value = shift.notes ?? "";
    } else {
      // The default evening (19:00–23:00) of that day, or of the next day once it has begun.
      const evening = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 19, 0);
      if (evening.getTime() <= Date.now()) evening.setDate(evening.getDate() + 1);
      title.value = "";
      date.value = isoDate(evening);
      start.value = "19:00";
      end.value = "23:00";
      min.value = "2";
      max.value = "4";
      notes.value = "";
    }
    for (const input of [title, area, date, start, end, min, max, notes]) input.disabled = !!shift?.cancelled;
    save.hidden = !!shift?.cancelled;
    renderManage(shift);
  }

  return {
    el: dialog,
    open(shift, day) {
      clearErrors();
      fill(shift, day);
      if (!dialog.open) dialog.showModal();
      title.focus();
    },
    refresh(shift) {
      // Another lead changed the shift, or a volunteer signed up: show the new sign-ups.
      if (dialog.open && editing && editing.shiftId === shift.shiftId) {
        editing = shift;
        renderManage(shift);
      }
    },
  };
}
