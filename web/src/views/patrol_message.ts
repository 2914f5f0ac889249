// A lead's message to a patrol ("come back to base"): pick the patrol, type, send. The
// form stays put while the board re-renders, so typing is never interrupted.
import { Ctx } from "../context";
import { h, uniqueId } from "../dom";
import { describe } from "../errors";
import { t } from "../i18n";
import { newClientId, pb } from "../proto";

export function patrolMessageForm(ctx: Ctx): { el: HTMLElement; dispose(): void } {
  const { model, conn } = ctx;
  const selectId = uniqueId("message-patrol");
  const textId = uniqueId("message-text");
  const select = h("select", { id: selectId, testid: "message-patrol" });
  const text = h("textarea", { id: textId, testid: "message-text", maxlength: "500", rows: "2" });
  const submit = h("button", { type: "submit", testid: "message-submit" }, t("board.message.send"));
  const error = h("p", { class: "field-error", role: "alert", testid: "message-error" });
  const none = h("p", { class: "empty", testid: "message-none" }, t("board.message.none"));
  const form = h("form", { class: "patrol-message-form", testid: "message-form" },
    h("label", { for: selectId }, t("board.message.patrol")), select,
    h("label", { for: textId }, t("board.message.text")), text,
    h("div", { class: "row" }, submit), error);
  // One client id per message, kept across retries (SendPatrolMessage is an outbox write).
  let clientId = newClientId();

  function label(patrol: pb.IPatrol): string {
    const members = (patrol.members ?? []).map((m) => m.handle).join(", ");
    const area = model.areaName(patrol.areaId);
    return area ? `${members} (${area})` : members;
  }

  function options(): void {
    const chosen = select.value;
    select.replaceChildren(...[...model.patrols.values()].map((s) =>
      h("option", { value: s.patrol.patrolId ?? "" }, label(s.patrol))));
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
    const empty = model.patrols.size === 0;
    none.hidden = !empty;
    form.hidden = empty;
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const message = text.value.trim();
    if (!select.value || !message) return;
    submit.disabled = true;
    error.textContent = "";
    conn.call({ sendPatrolMessage: { clientId, patrolId: select.value, text: message } }, "ack", { resend: true })
      .then(() => {
        text.value = "";
        clientId = newClientId();
        ctx.toast(t("board.message.sent"));
      })
      .catch((err: unknown) => {
        error.textContent = describe(err);
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  // Different content is a different write, with a client id of its own.
  text.addEventListener("input", () => { clientId = newClientId(); });
  select.addEventListener("change", () => { clientId = newClientId(); });

  const el = h("section", { class: "panel", testid: "message-panel", "aria-labelledby": "message-h" },
    h("h2", { id: "message-h" }, t("board.message.heading")), none, form);
  options();
  const unsubscribe = model.subscribe((change) => {
    if (change === "patrols" || change === "session") options();
  });
  return { el, dispose: unsubscribe };
}
