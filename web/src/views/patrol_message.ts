// A lead's message to a patrol ("come back to base"), opened from the patrol's card on the
// board. The dialog lives outside the cards, so the board's redraws never touch what is
// being typed.
import { Ctx } from "../context";
import { h, uniqueId } from "../dom";
import { describe } from "../errors";
import { t } from "../i18n";
import { newClientId, pb } from "../proto";

export interface PatrolMessageDialog {
  el: HTMLDialogElement;
  open(patrolId: string): void;
  dispose(): void;
}

export function patrolMessageDialog(ctx: Ctx): PatrolMessageDialog {
  const { model, conn } = ctx;
  const headingId = uniqueId("message-h");
  const textId = uniqueId("message-text");
  const heading = h("h2", { id: headingId, testid: "message-to" });
  const text = h("textarea", { id: textId, testid: "message-text", maxlength: "500", rows: "3" });
  const submit = h("button", { type: "submit", testid: "message-submit" }, t("board.message.send"));
  const cancel = h("button", { type: "button", class: "secondary", testid: "message-cancel" }, t("board.message.cancel"));
  const error = h("p", { class: "field-error", role: "alert", testid: "message-error" });
  const ended = h("p", { class: "field-error", role: "alert", testid: "message-none", hidden: true }, t("board.message.ended"));
  const form = h("form", { class: "patrol-message-form", testid: "message-form" },
    heading,
    h("label", { for: textId }, t("board.message.text")), text,
    ended,
    h("div", { class: "row" }, submit, cancel), error);
  const dialog = h("dialog", { class: "dialog", "aria-labelledby": headingId }, form);
  let patrolId = "";
  // One client id per message, kept across retries (SendPatrolMessage is an outbox write).
  let clientId = newClientId();

  function label(patrol: pb.IPatrol): string {
    const members = (patrol.members ?? []).map((m) => m.handle).join(", ");
    const area = model.areaName(patrol.areaId);
    return area ? `${members} (${area})` : members;
  }

  // The patrol may end while the dialog is open: say so, and send nothing.
  function refresh(): void {
    const state = model.patrols.get(patrolId);
    if (state) heading.textContent = t("board.message.to", { patrol: label(state.patrol) });
    ended.hidden = Boolean(state);
    submit.disabled = !state;
  }

  function open(id: string): void {
    if (id !== patrolId) {
      patrolId = id;
      text.value = "";
      clientId = newClientId();
    }
    error.textContent = "";
    refresh();
    if (!dialog.open) dialog.showModal();
    text.focus();
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const message = text.value.trim();
    if (!model.patrols.has(patrolId) || !message) return;
    submit.disabled = true;
    error.textContent = "";
    conn.call({ sendPatrolMessage: { clientId, patrolId, text: message } }, "ack", { resend: true })
      .then(() => {
        text.value = "";
        clientId = newClientId();
        dialog.close();
        ctx.toast(t("board.message.sent"));
      })
      .catch((err: unknown) => {
        error.textContent = describe(err);
      })
      .finally(() => refresh());
  });
  cancel.addEventListener("click", () => dialog.close());
  // Different content is a different write, with a client id of its own.
  text.addEventListener("input", () => { clientId = newClientId(); });

  const unsubscribe = model.subscribe((change) => {
    if (dialog.open && (change === "patrols" || change === "session")) refresh();
  });
  return { el: dialog, open, dispose: () => { unsubscribe(); if (dialog.open) dialog.close(); } };
}
