// The live board: the urgent alerts, every active patrol across all areas with the most
// urgent first, and the planning alerts in a quieter panel of their own. Check-ins and
// alerts arrive by push.
import { Ctx, View } from "../context";
import { h, keepInOrder } from "../dom";
import { t } from "../i18n";
import { num, pb } from "../proto";
import { alertList } from "./alert_list";
import { PatrolCard, patrolCard, patrolUrgency } from "./patrol_card";
import { patrolMessageDialog } from "./patrol_message";
import { tonightPanel } from "./tonight_panel";

export function boardView(ctx: Ctx): View {
  const { model } = ctx;
  const alerts = alertList(ctx);
  const canMessage = model.role() === pb.Role.ROLE_LEAD || model.role() === pb.Role.ROLE_COORDINATOR;
  const messages = canMessage ? patrolMessageDialog(ctx) : null;
  const list = h("ul", { class: "patrols", testid: "patrol-list" });
  const empty = h("p", { class: "empty", testid: "board-empty" }, t("board.empty"));
  const cards = new Map<string, PatrolCard>();

  function render(): void {
    const now = model.now();
    for (const [id, card] of cards) {
      if (!model.patrols.has(id)) {
        card.li.remove();
        cards.delete(id);
      }
    }
    // Need support and overdue first, then the least time left until due: the patrol to
    // look at is at the top, whichever area it walks in.
    const ordered = [...model.patrols.values()]
      .map((state) => ({ state, urgency: patrolUrgency(ctx, state, now) }))
      .sort((a, b) => a.urgency - b.urgency || num(a.state.patrol.dueAtMs) - num(b.state.patrol.dueAtMs));
    let previous: Element | null = null;
    for (const { state } of ordered) {
      const id = state.patrol.patrolId ?? "";
      let card = cards.get(id);
      if (!card) {
        card = patrolCard(ctx, id, messages ? (patrolId) => messages.open(patrolId) : null);
        cards.set(id, card);
      }
      card.update(state, now);
      // Moved only when out of place, so a focused Message button stays focused.
      keepInOrder(list, previous, card.li);
      previous = card.li;
    }
    empty.hidden = ordered.length > 0;
  }

  const volunteerNote = model.role() === pb.Role.ROLE_VOLUNTEER ? h("p", { class: "note" }, t("signin.volunteer")) : null;
  const el = h("section", { class: "view board", testid: "view-board", "aria-labelledby": "board-h" },
    h("h1", { class: "visually-hidden" }, t("nav.board")),
    volunteerNote,
    h("div", { class: "board-grid" },
      h("section", { class: "panel alerts-panel", testid: "alerts-panel", "aria-labelledby": "board-alerts-h" },
        h("h2", { id: "board-alerts-h" }, t("alerts.urgent.heading")), alerts.urgent),
      h("section", { class: "panel patrols-panel", "aria-labelledby": "board-h" },
        h("h2", { id: "board-h" }, t("board.heading")), empty, list),
      tonightPanel(ctx), alerts.planning),
    messages ? messages.el : null);
  render();
  const unsubscribe = model.subscribe((change) => {
    if (change === "patrols" || change === "session" || change === "alerts") render();
  });
  const timer = window.setInterval(render, 1000);
  return { el, dispose: () => { unsubscribe(); window.clearInterval(timer); alerts.dispose(); messages?.dispose(); } };
}
