// Offline is loud (issue 29). Once the connection has been down for a few seconds, a banner
// at the top of every view says since when; the board's cards and alerts are greyed
// (`data-conn` on <body>, app.css) and the board's times stop at the moment the connection
// was lost (Model.now), so that nothing counts on as if it were live. The banner stays
// until the reconnect's catch-up has reloaded the state (main.ts), which a toast confirms.
// A page another tab or device took over ("replaced") says that instead, for good.
import { h } from "../dom";
import { clock } from "../format";
import { t } from "../i18n";
import { Model } from "../model";
import { Connection, ConnState } from "../protocol/connection";

// A reconnect within this time (a server restart, a phone between networks) does not
// flash the banner.
export const OFFLINE_GRACE_MS = 3000;

export interface Outage {
  kind: "offline" | "replaced";
  // Server time (Model.now) when the connection was lost.
  sinceMs: number;
}

export class ConnWatch {
  outage: Outage | null = null;
  private lostAt = 0;
  private timer = 0;
  // After a sign-out (or before a sign-in) there is nothing to be out of date: quiet until
  // the next Welcome.
  private quiet = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly model: Model, private readonly conn: Connection) {
    conn.subscribe((state) => this.follow(state));
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  // The reconnect's catch-up is done: the page shows the server's state again. Says whether
  // an outage had been announced (and so whether to say "back online").
  caughtUp(): boolean {
    if (this.conn.state !== "online" || !this.outage) return false;
    this.set(null);
    return true;
  }

  // The sign-in view is shown: no banner, no frozen clock, until the next Welcome.
  silence(): void {
    this.quiet = true;
    this.lostAt = 0;
    window.clearTimeout(this.timer);
    this.timer = 0;
    this.set(null);
  }

  private follow(state: ConnState): void {
    if (state === "online") {
      this.quiet = false;
      this.lostAt = 0;
      window.clearTimeout(this.timer);
      this.timer = 0;
      // A blink the banner never showed: the clock runs on at once.
      if (!this.outage) this.model.offlineSince = 0;
      return;
    }
    if (this.quiet) return;
    if (!this.lostAt) {
      // The clock stops at once, not when the banner shows: no times that jump back.
      this.lostAt = this.model.liveNow();
      if (!this.outage) this.model.offlineSince = this.lostAt;
    }
    if (state === "replaced") {
      this.announce("replaced");
    } else if (!this.outage && !this.timer) {
      this.timer = window.setTimeout(() => {
        this.timer = 0;
        if (this.conn.state !== "online") this.announce("offline");
      }, OFFLINE_GRACE_MS);
    }
  }

  private announce(kind: Outage["kind"]): void {
    // A drop again before the last catch-up ended: still out of date since the first one.
    this.set({ kind, sinceMs: this.outage?.sinceMs ?? this.lostAt });
  }

  private set(outage: Outage | null): void {
    this.outage = outage;
    this.model.offlineSince = outage?.sinceMs ?? 0;
    if (outage) document.body.dataset.conn = outage.kind;
    else delete document.body.dataset.conn;
    for (const fn of this.listeners) fn();
  }
}

let watch: ConnWatch | null = null;

// main.ts starts it once, with the page's model and connection.
export function watchConnection(model: Model, conn: Connection): ConnWatch {
  watch ??= new ConnWatch(model, conn);
  return watch;
}

// The banner, at the top of the dashboard ("dashboard") or of the volunteer's views, whose
// writes wait on the phone meanwhile ("volunteer").
export function offlineBanner(variant: "dashboard" | "volunteer"): { el: HTMLElement; dispose(): void } {
  const text = h("span", { class: "offline-text", testid: "offline-text" });
  const reload = h("button", { type: "button", class: "secondary small", testid: "offline-reload", hidden: true,
    onclick: () => location.reload() }, t("conn.banner.reload"));
  const el = h("div", { class: "offline-banner", testid: "offline-banner", role: "alert", hidden: true }, text, " ", reload);

  function render(): void {
    const outage = watch?.outage ?? null;
    el.hidden = !outage;
    if (!outage) {
      delete el.dataset.reason;
      text.textContent = "";
      return;
    }
    el.dataset.reason = outage.kind;
    const time = clock(outage.sinceMs);
    text.textContent = outage.kind === "replaced" ? t("conn.banner.replaced", { time })
      : variant === "volunteer" ? t("conn.banner.offlineVolunteer", { time }) : t("conn.banner.offline", { time });
    reload.hidden = outage.kind !== "replaced";
  }

  render();
  const off = watch?.subscribe(render);
  return { el, dispose: () => off?.() };
}
