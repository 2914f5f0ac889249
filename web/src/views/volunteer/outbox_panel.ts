// What this phone has sent and not sent: every write in the outbox with its state
// (waiting, sending, stored, refused with the reason). A refused write stays until the
// volunteer dismisses it; nothing is dropped silently.
import { Ctx } from "../../context";
import { clear, h } from "../../dom";
import { describe } from "../../errors";
import { clock } from "../../format";
import { MessageKey, t } from "../../i18n";
import { pb } from "../../proto";
import { isPending, OutboxEntry, refusalError } from "../../protocol/outbox";

// Stored writes shown besides the pending and refused ones: the newest few.
const SHOW_STORED = 5;

export function kindLabel(entry: OutboxEntry): string {
  if (entry.kind === "checkIn" && entry.body.status === pb.CheckInStatus.CHECK_IN_STATUS_NEED_SUPPORT) {
    return t("vol.outbox.kind.checkInSupport");
  }
  return t(`vol.outbox.kind.${entry.kind}` as MessageKey);
}

export function stateLabel(entry: OutboxEntry): string {
  if (entry.state === "stored" && entry.duplicate) return t("vol.outbox.state.duplicate");
  return t(`vol.outbox.state.${entry.state}` as MessageKey);
}

export function refusalText(entry: OutboxEntry): string {
  return entry.refusal ? describe(refusalError(entry.refusal)) : "";
}

// "2 phone numbers, 1 name": what the server's scrubber took out.
export function scrubText(report: pb.IScrubReport | null | undefined): string {
  if (!report) return "";
  const parts: string[] = [];
  for (const [key, value] of Object.entries(report)) {
    if (typeof value === "number" && value > 0) {
      const label = t(`vol.scrub.${key}` as MessageKey);
      if (label !== `vol.scrub.${key}`) parts.push(t("vol.scrub.count", { what: label, n: value }));
    }
  }
  return parts.join(", ");
}

// One entry's state as a line: for the places that show their own write (a shift, a
// check-in, the note form).
export function entryLine(entry: OutboxEntry, testid: string): HTMLElement {
  const refused = entry.state === "refused";
  return h("p", { class: `entry-line state-${entry.state}`, testid, "data-state": entry.state, role: refused ? "alert" : undefined },
    h("span", { class: "entry-state" }, stateLabel(entry)),
    refused ? h("span", { class: "entry-reason" }, ` ${refusalText(entry)}`) : null);
}

function row(ctx: Ctx, entry: OutboxEntry): HTMLElement {
  const removed = entry.state === "stored" ? scrubText(entry.scrubReport) : "";
  const dismiss = entry.state === "refused"
    ? h("button", { type: "button", class: "secondary small", testid: "outbox-dismiss",
      onclick: () => void ctx.outbox.dismiss(entry.clientId) }, t("vol.outbox.dismiss"))
    : null;
  return h("li", { class: `outbox-entry state-${entry.state}`, testid: "outbox-entry", "data-kind": entry.kind,
    "data-state": entry.state, "data-client-id": entry.clientId },
  h("span", { class: "entry-kind" }, kindLabel(entry)),
  h("span", { class: "entry-time" }, clock(entry.createdMs)),
  h("span", { class: "entry-state", testid: "outbox-state" }, stateLabel(entry)),
  entry.state === "refused" ? h("p", { class: "entry-reason", testid: "outbox-reason" }, refusalText(entry)) : null,
  removed ? h("p", { class: "entry-removed" }, t("vol.outbox.removed", { what: removed })) : null,
  dismiss);
}

// The full list, newest first: at the foot of every volunteer view.
export function outboxPanel(ctx: Ctx): { el: HTMLElement; dispose(): void } {
  const list = h("ul", { class: "outbox-list" });
  const empty = h("p", { class: "empty" }, t("vol.outbox.empty"));

  function render(): void {
    const entries = ctx.outbox.list().reverse();
    const stored = entries.filter((e) => e.state === "stored").slice(0, SHOW_STORED);
    const shown = entries.filter((e) => isPending(e) || e.state === "refused" || stored.includes(e));
    clear(list);
    for (const entry of shown) list.append(row(ctx, entry));
    empty.hidden = shown.length > 0;
  }

  const el = h("section", { class: "panel outbox", id: "outbox", testid: "outbox", "aria-labelledby": "outbox-h" },
    h("h2", { id: "outbox-h" }, t("vol.outbox.heading")),
    h("p", { class: "hint" }, t("vol.outbox.intro")),
    empty, list);
  render();
  const unsubscribe = ctx.outbox.subscribe(render);
  return { el, dispose: unsubscribe };
}

// One line under the navigation: whether everything reached the server.
export function outboxSummary(ctx: Ctx): { el: HTMLElement; dispose(): void } {
  const text = h("span", { testid: "outbox-summary-text" });
  const link = h("a", { href: "#outbox", class: "outbox-link", onclick: (ev: Event) => {
    ev.preventDefault();
    document.getElementById("outbox")?.scrollIntoView({ block: "start" });
  } }, t("vol.outbox.show"));
  const el = h("p", { class: "outbox-summary", testid: "outbox-summary", role: "status" }, text, " ", link);

  function render(): void {
    const entries = ctx.outbox.list();
    const pending = entries.filter(isPending).length;
    const refused = entries.filter((e) => e.state === "refused").length;
    const parts: string[] = [];
    if (pending > 0) parts.push(t("vol.outbox.summary.pending", { n: pending }));
    if (refused > 0) parts.push(t("vol.outbox.summary.refused", { n: refused }));
    text.textContent = parts.length > 0 ? parts.join(" · ") : t("vol.outbox.summary.none");
    el.dataset.pending = String(pending);
    el.dataset.refused = String(refused);
    link.hidden = parts.length === 0;
  }

  render();
  const unsubscribe = ctx.outbox.subscribe(render);
  return { el, dispose: unsubscribe };
}
