// A small modal question before something that cannot be undone from this page (signing
// out this device). The safe answer has the focus, so a stray Enter or tap on a phone
// does nothing; Escape answers it too.
import { h, uniqueId } from "../dom";

export interface ConfirmOptions {
  // data-testid of the dialog; its buttons are `<testid>-yes` and `<testid>-no`.
  testid: string;
  title: string;
  // Paragraphs; empty ones are left out.
  lines: string[];
  yes: string;
  no: string;
}

let open: Promise<boolean> | null = null;

export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  // A second tap while the question is up asks nothing new.
  if (open) return open;
  const titleId = uniqueId("confirm-title");
  const bodyId = uniqueId("confirm-body");
  const no = h("button", { type: "button", class: "secondary", testid: `${options.testid}-no`, autofocus: true }, options.no);
  const yes = h("button", { type: "button", class: "danger", testid: `${options.testid}-yes` }, options.yes);
  const dialog = h("dialog", { class: "dialog confirm", testid: options.testid, "aria-labelledby": titleId, "aria-describedby": bodyId },
    h("h2", { id: titleId }, options.title),
    h("div", { id: bodyId }, options.lines.filter((line) => line !== "").map((line) => h("p", null, line))),
    h("div", { class: "confirm-actions" }, no, yes));
  open = new Promise<boolean>((resolve) => {
    let answer = false;
    no.addEventListener("click", () => dialog.close());
    yes.addEventListener("click", () => {
      answer = true;
      dialog.close();
    });
    // Escape fires "cancel" and then closes: the answer stays no.
    dialog.addEventListener("close", () => {
      dialog.remove();
      open = null;
      resolve(answer);
    });
  });
  document.body.append(dialog);
  dialog.showModal();
  no.focus();
  return open;
}
