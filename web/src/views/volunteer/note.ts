// An incident note: the structured fields first (category, outcome, age band, group size),
// free text optional. "Preview" asks the server what it would store of the text
// (ScrubPreview) and shows exactly that before "Send"; the note then goes through the
// outbox with the text as typed, which the server scrubs again on arrival.
import { Ctx, View } from "../../context";
import { append, clear, h } from "../../dom";
import { describe } from "../../errors";
import { MessageKey, t } from "../../i18n";
import { pb } from "../../proto";
import { MyPatrol, myPatrol, patrolLink } from "./mine";
import { entryLine, scrubText } from "./outbox_panel";

const MAX_TEXT = 2000;

// An enum's values without UNSPECIFIED, with their message keys.
function options(values: object, prefix: string, keyPrefix: string): { value: number; key: MessageKey }[] {
  return Object.entries(values)
    .filter(([name, v]) => typeof v === "number" && v !== 0 && name.startsWith(prefix))
    .map(([name, v]) => ({ value: v as number, key: `${keyPrefix}.${name.slice(prefix.length).toLowerCase()}` as MessageKey }));
}

function select(id: string, choices: { value: number; key: MessageKey }[]): HTMLSelectElement {
  return h("select", { id, testid: id, required: true, "aria-describedby": `${id}-error` },
    h("option", { value: "" }, t("vol.note.choose")),
    choices.map((c) => h("option", { value: String(c.value) }, t(c.key))));
}

function field(id: string, label: string, control: HTMLElement, hint = ""): HTMLElement {
  return h("div", { class: "field" }, h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null, control,
    h("p", { class: "field-error", id: `${id}-error`, testid: `${id}-error`, role: "alert" }));
}

// The patrol a note belongs to: the current one, else the last one this phone started
// (a note written up after the patrol ended).
function notePatrol(ctx: Ctx): { link: ReturnType<typeof patrolLink>; current: MyPatrol | null } | null {
  const current = myPatrol(ctx);
  if (current) return { link: patrolLink(current), current };
  const last = ctx.outbox.list().reverse().find((e) => e.kind === "startPatrol" && e.state === "stored" && e.ackId);
  return last?.ackId ? { link: { body: { patrolId: last.ackId }, links: {} }, current: null } : null;
}

export function noteView(ctx: Ctx): View {
  const category = select("note-category", options(pb.NoteCategory, "NOTE_CATEGORY_", "category"));
  const outcome = select("note-outcome", options(pb.NoteOutcome, "NOTE_OUTCOME_", "outcome"));
  const ageBand = select("note-age", options(pb.AgeBand, "AGE_BAND_", "ageBand"));
  const size = h("input", { id: "note-size", testid: "note-size", type: "number", min: "1", max: "50", step: "1",
    inputmode: "numeric", value: "1", required: true, "aria-describedby": "note-size-error" });
  const text = h("textarea", { id: "note-text", testid: "note-text", rows: "4", maxlength: String(MAX_TEXT),
    "aria-describedby": "note-text-hint note-text-error" });
  const previewButton = h("button", { type: "submit", class: "primary", testid: "note-preview" }, t("vol.note.preview"));
  const form = h("form", { class: "note-form", testid: "note-form", novalidate: true },
    field("note-category", t("vol.note.category"), category),
    field("note-outcome", t("vol.note.outcome"), outcome),
    field("note-age", t("vol.note.age"), ageBand),
    field("note-size", t("vol.note.size"), size),
    field("note-text", t("vol.note.text"), text, t("vol.note.textHint")),
    previewButton);
  const preview = h("section", { class: "panel note-preview", testid: "note-preview-panel", hidden: true,
    "aria-labelledby": "note-preview-h" });
  const noPatrol = h("p", { class: "note", testid: "note-no-patrol" }, t("vol.note.noPatrol"));
  const lastPatrol = h("p", { class: "hint", testid: "note-last-patrol" }, t("vol.note.lastPatrol"));
  const status = h("div", { class: "note-status", testid: "note-status", "aria-live": "polite" });
  let lastSent = "";
  let serial = 0;

  function chosenLabel(sel: HTMLSelectElement): string {
    return sel.selectedOptions[0]?.textContent ?? "";
  }

  function check(): boolean {
    for (const p of form.querySelectorAll<HTMLElement>(".field-error")) p.textContent = "";
    let first: HTMLElement | null = null;
    const fail = (el: HTMLElement, id: string, message: string): void => {
      const target = form.querySelector<HTMLElement>(`#${id}-error`);
      if (target) target.textContent = message;
      first ??= el;
    };
    if (!category.value) fail(category, "note-category", t("shifts.form.required"));
    if (!outcome.value) fail(outcome, "note-outcome", t("shifts.form.required"));
    if (!ageBand.value) fail(ageBand, "note-age", t("shifts.form.required"));
    const n = Number(size.value);
    if (!Number.isInteger(n) || n < 1 || n > 50) fail(size, "note-size", t("vol.note.sizeRange"));
    (first as HTMLElement | null)?.focus();
    return first === null;
  }

  function showPreview(result: { text: string; removed: string; offline: string }): void {
    clear(preview);
    const typed = text.value.trim();
    append(preview, [
      h("h2", { id: "note-preview-h", tabindex: "-1" }, t("vol.note.previewHeading")),
      h("dl", { class: "summary" },
        h("dt", null, t("vol.note.category")), h("dd", null, chosenLabel(category)),
        h("dt", null, t("vol.note.outcome")), h("dd", null, chosenLabel(outcome)),
        h("dt", null, t("vol.note.age")), h("dd", null, chosenLabel(ageBand)),
        h("dt", null, t("vol.note.size")), h("dd", null, size.value),
        h("dt", null, t("vol.note.storedText")),
        h("dd", null, typed
          ? (result.offline ? h("p", { class: "hint", testid: "note-preview-offline" }, result.offline)
            : h("p", { class: "stored-text", testid: "note-preview-text" }, result.text))
          : h("p", { class: "empty", testid: "note-preview-text" }, t("vol.note.noText")))),
      result.removed ? h("p", { testid: "note-preview-removed" }, t("vol.note.removed", { what: result.removed })) : null,
      h("div", { class: "row" },
        h("button", { type: "button", class: "primary", testid: "note-send", onclick: () => void send() }, t("vol.note.send")),
        h("button", { type: "button", class: "secondary", testid: "note-edit", onclick: () => {
          preview.hidden = true;
          form.hidden = false;
          text.focus();
        } }, t("vol.note.edit")))]);
    form.hidden = true;
    preview.hidden = false;
    preview.querySelector<HTMLElement>("h2")?.focus();
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!check()) return;
    const typed = text.value.trim();
    if (!typed) {
      showPreview({ text: "", removed: "", offline: "" });
      return;
    }
    const mine = ++serial;
    previewButton.disabled = true;
    ctx.conn.call({ scrubPreview: { text: typed } }, "scrubPreviewResult")
      .then((r) => {
        if (mine === serial) showPreview({ text: r.text ?? "", removed: scrubText(r.scrubReport), offline: "" });
      })
      .catch((err: unknown) => {
        if (mine !== serial) return;
        // Offline, the note can still go: the server scrubs it when it arrives.
        const offline = ctx.conn.state !== "online";
        if (offline) showPreview({ text: "", removed: "", offline: t("vol.note.previewOffline") });
        else {
          const target = form.querySelector<HTMLElement>("#note-text-error");
          if (target) target.textContent = describe(err);
        }
      })
      .finally(() => { previewButton.disabled = false; });
  });

  async function send(): Promise<void> {
    const target = notePatrol(ctx);
    if (!target) return;
    const body: Record<string, unknown> = {
      ...target.link.body, atMs: Date.now(), category: Number(category.value), outcome: Number(outcome.value),
      ageBand: Number(ageBand.value), groupSize: Number(size.value), text: text.value.trim(),
    };
    try {
      const entry = await ctx.outbox.add("submitNote", body, target.link.links);
      lastSent = entry.clientId;
      form.reset();
      size.value = "1";
      preview.hidden = true;
      form.hidden = false;
      renderStatus();
      ctx.toast(t("vol.note.saved"));
    } catch {
      status.textContent = t("vol.saveFailed");
    }
  }

  function renderStatus(): void {
    clear(status);
    const entry = lastSent ? ctx.outbox.find(lastSent) : undefined;
    if (!entry) return;
    status.append(h("p", null, t("vol.note.lastNote")), entryLine(entry, "note-state"));
    const removed = entry.state === "stored" ? scrubText(entry.scrubReport) : "";
    if (removed) status.append(h("p", { class: "hint" }, t("vol.outbox.removed", { what: removed })));
  }

  function renderPatrol(): void {
    const target = notePatrol(ctx);
    noPatrol.hidden = !!target;
    lastPatrol.hidden = !target || !!target.current;
    previewButton.disabled = !target;
  }

  const el = h("section", { class: "view vol-view", testid: "view-note", "aria-labelledby": "note-h" },
    h("h1", { id: "note-h" }, t("vol.nav.note")),
    noPatrol, lastPatrol, status, form, preview);
  renderPatrol();
  const offOutbox = ctx.outbox.subscribe(() => { renderStatus(); renderPatrol(); });
  const offModel = ctx.model.subscribe((change) => {
    if (change === "patrols" || change === "session") renderPatrol();
  });
  return { el, dispose: () => { offOutbox(); offModel(); } };
}
