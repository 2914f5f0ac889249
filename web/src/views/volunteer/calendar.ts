// "Subscribe to my calendar": a private feed of the shifts I am signed up to, as a webcal://
// link for the phone's calendar app and a copy button. Asking for it makes a new secret
// path and turns the previous one off, so it is asked for on a tap, never on its own.
import { Ctx } from "../../context";
import { clear, h } from "../../dom";
import { describe } from "../../errors";
import { t } from "../../i18n";
import { pb } from "../../proto";

export function calendarPanel(ctx: Ctx): HTMLElement {
  const result = h("div", { class: "calendar-result" });
  const status = h("p", { class: "hint", testid: "calendar-status", role: "status" });
  const get = h("button", { type: "button", class: "secondary", testid: "calendar-get" }, t("vol.calendar.get"));

  async function copy(url: string, field: HTMLInputElement): Promise<void> {
    try {
      // Missing on plain http (not a secure context), or refused without a permission.
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(url);
      status.textContent = t("vol.calendar.copied");
    } catch {
      field.focus();
      field.select();
      status.textContent = t("vol.calendar.selected");
    }
  }

  function show(path: string): void {
    const url = `webcal://${location.host}${path}`;
    const field = h("input", { id: "calendar-url", testid: "calendar-url", readonly: true, value: url, spellcheck: "false",
      autocomplete: "off" });
    const copyButton = h("button", { type: "button", testid: "calendar-copy", onclick: () => void copy(url, field) },
      t("vol.calendar.copy"));
    clear(result);
    result.append(
      h("a", { class: "button-link", href: url, testid: "calendar-link" }, t("vol.calendar.open")),
      h("label", { for: "calendar-url" }, t("vol.calendar.url")),
      h("div", { class: "row copy-row" }, field, copyButton),
      h("p", { class: "hint" }, t("vol.calendar.private")));
    get.textContent = t("vol.calendar.again");
  }

  get.addEventListener("click", () => {
    get.disabled = true;
    status.textContent = "";
    ctx.conn.call({ getCalendarFeed: { scope: pb.CalendarScope.CALENDAR_SCOPE_MINE } }, "calendarFeed")
      .then((feed) => show(feed.urlPath ?? ""))
      .catch((err: unknown) => { status.textContent = describe(err); })
      .finally(() => { get.disabled = false; });
  });

  return h("section", { class: "panel calendar", testid: "calendar-panel", "aria-labelledby": "calendar-h" },
    h("h2", { id: "calendar-h" }, t("vol.calendar.heading")),
    h("p", { class: "hint" }, t("vol.calendar.intro")),
    get, result, status);
}
