// What the page knows: the session, teams, areas, active patrols and open alerts, kept
// current by pushed events and caught up with Sync after a reconnect.
import { alertKindName, num, pb } from "./proto";

export interface PatrolState {
  patrol: pb.IPatrol;
  // The server's grace period after the interval, learnt from the first listing.
  graceMs: number;
}

// "messages": a lead's message to a patrol arrived (detail: the PatrolMessage).
// "checkInDue": the server's reminder that a patrol's check-in is due (detail: patrol id).
export type Change = "patrols" | "alerts" | "shifts" | "session" | "messages" | "checkInDue";

export class Model {
  welcome: pb.IWelcome | null = null;
  teams: pb.ITeam[] = [];
  areas = new Map<string, pb.IArea>();
  patrols = new Map<string, PatrolState>();
  alerts = new Map<string, pb.IAlert>();
  // Messages from leads to each active patrol, oldest first, one per message_id.
  patrolMessages = new Map<string, pb.IPatrolMessage[]>();
  // Every alert seen this session as it stands now, resolved ones too: the volunteer's SOS
  // panel follows its own alert from raised to resolved (the raiser gets alert_acknowledged
  // and alert_resolved, never alert_raised: docs/protocol.md, "The loop back").
  alertHistory = new Map<string, pb.IAlert>();
  // Patrols whose end this page saw, so that an outbox entry cannot bring one back.
  endedPatrols = new Set<string>();
  // CheckInDue.due_at_ms per patrol: the last activity plus the interval, without the grace.
  checkInDue = new Map<string, number>();
  // Phone time of the last ListActivePatrols: before it, the list is the truth.
  patrolsListedAt = 0;
  lastSeq = 0;
  clockOffsetMs = 0;
  // Alerts raised after this server time are new to the viewer: they sound.
  openedAtServerMs = 0;
  private seenAlerts = new Set<string>();
  private listeners = new Set<(change: Change, detail?: unknown) => void>();
  onNewAlert: (alert: pb.IAlert) => void = () => {};

  // Server time when the connection was lost, while the page says it is offline
  // (views/offline_banner.ts); 0 when online.
  offlineSince = 0;

  // The time the board shows by: while offline it stands at the moment the connection was
  // lost, so that "5 min ago" and "On time" do not count on as if they were live.
  now(): number {
    return this.offlineSince || this.liveNow();
  }

  // The server's time now, offline or not: for deadlines that run on regardless (the
  // volunteer's check-in countdown) and for what to ask the server.
  liveNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  subscribe(fn: (change: Change, detail?: unknown) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(change: Change, detail?: unknown): void {
    for (const fn of this.listeners) fn(change, detail);
  }

  volunteerId(): string {
    return this.welcome?.volunteerId ?? "";
  }

  role(): pb.Role {
    return this.welcome?.role ?? pb.Role.ROLE_UNSPECIFIED;
  }

  isCoordinator(): boolean {
    return this.role() === pb.Role.ROLE_COORDINATOR;
  }

  // Teams whose shifts this user may plan: a coordinator all, a lead the ones they lead.
  plannableTeams(): pb.ITeam[] {
    if (this.isCoordinator()) return this.teams;
    const me = this.welcome?.volunteerId;
    return this.teams.filter((team) => (team.members ?? []).some((m) => m.volunteerId === me && m.isLead));
  }

  teamName(teamId: string | null | undefined): string {
    return this.teams.find((team) => team.teamId === teamId)?.name ?? "";
  }

  // A volunteer's handle from the teams listing (a lead's teams, a coordinator's all), or
  // from the active patrols; "" when this page does not know them.
  handleOf(volunteerId: string | null | undefined): string {
    if (!volunteerId) return "";
    if (volunteerId === this.welcome?.volunteerId) return this.welcome?.handle ?? "";
    for (const team of this.teams) {
      const m = (team.members ?? []).find((x) => x.volunteerId === volunteerId);
      if (m?.handle) return m.handle;
    }
    for (const state of this.patrols.values()) {
      const m = (state.patrol.members ?? []).find((x) => x.volunteerId === volunteerId);
      if (m?.handle) return m.handle;
    }
    return "";
  }

  areaName(areaId: string | null | undefined): string {
    return (areaId && this.areas.get(areaId)?.name) || "";
  }

  setWelcome(welcome: pb.IWelcome): void {
    this.welcome = welcome;
    this.clockOffsetMs = num(welcome.serverTimeMs) - Date.now();
    if (this.openedAtServerMs === 0) this.openedAtServerMs = num(welcome.serverTimeMs);
    // Open alerts follow the Welcome as seq-0 events: start from those.
    this.alerts.clear();
    this.emit("alerts");
    this.emit("session");
  }

  // What the last Welcome said, before this connection's (a page opened with no network):
  // the clock and the alerts wait for the server.
  restore(welcome: pb.IWelcome, teams: pb.ITeam[], areas: pb.IArea[]): void {
    this.welcome = welcome;
    this.teams = teams;
    this.areas = new Map(areas.map((a) => [a.areaId ?? "", a]));
    this.emit("session");
  }

  setPatrols(list: pb.IPatrol[]): void {
    const previous = this.patrols;
    this.patrols = new Map();
    this.patrolsListedAt = Date.now();
    for (const patrol of list) {
      const id = patrol.patrolId ?? "";
      const last = Math.max(num(patrol.lastCheckInMs), num(patrol.startedAtMs));
      const grace = num(patrol.dueAtMs) - last - (patrol.checkinIntervalS ?? 0) * 1000;
      this.patrols.set(id, { patrol, graceMs: grace > 0 ? grace : previous.get(id)?.graceMs ?? 300_000 });
    }
    this.emit("patrols");
  }

  apply(event: pb.IEvent): void {
    const seq = num(event.seq);
    if (seq > this.lastSeq) this.lastSeq = seq;
    const at = num(event.atMs);
    if (event.patrolStarted) {
      const p = event.patrolStarted;
      const last = Math.max(num(p.lastCheckInMs), num(p.startedAtMs));
      const grace = num(p.dueAtMs) - last - (p.checkinIntervalS ?? 0) * 1000;
      this.patrols.set(p.patrolId ?? "", { patrol: p, graceMs: grace > 0 ? grace : 300_000 });
      this.emit("patrols");
    } else if (event.patrolEnded) {
      this.patrols.delete(event.patrolEnded.patrolId ?? "");
      this.patrolMessages.delete(event.patrolEnded.patrolId ?? "");
      this.endedPatrols.add(event.patrolEnded.patrolId ?? "");
      this.checkInDue.delete(event.patrolEnded.patrolId ?? "");
      this.emit("patrols");
    } else if (event.patrolMessage) {
      const m = event.patrolMessage;
      const list = this.patrolMessages.get(m.patrolId ?? "") ?? [];
      // A lead who walks on the patrol gets it twice (as member and as lead); Sync again.
      if (!list.some((x) => x.messageId === m.messageId)) {
        this.patrolMessages.set(m.patrolId ?? "", [...list, m]);
        this.emit("patrols");
        this.emit("messages", m);
      }
    } else if (event.checkInDue) {
      const due = event.checkInDue;
      this.checkInDue.set(due.patrolId ?? "", num(due.dueAtMs));
      this.emit("checkInDue", due.patrolId ?? "");
    } else if (event.checkInRecorded) {
      const c = event.checkInRecorded;
      const state = this.patrols.get(c.patrolId ?? "");
      if (state) {
        const p = state.patrol;
        p.lastCheckInMs = at;
        p.lastCell = c.cell ?? "";
        p.lastStatus = c.status ?? pb.CheckInStatus.CHECK_IN_STATUS_OK;
        p.dueAtMs = at + (p.checkinIntervalS ?? 0) * 1000 + state.graceMs;
        this.emit("patrols");
      }
    } else if (event.alertRaised) {
      const a = event.alertRaised;
      const id = a.alertId ?? "";
      this.remember(a);
      // The board keeps an alert until it is resolved: acknowledged ones show who is on it.
      if (a.state === pb.AlertState.ALERT_STATE_RESOLVED) {
        if (this.alerts.delete(id)) this.emit("alerts");
        return;
      }
      const key = `${id}:${a.escalated ? 1 : 0}`;
      this.alerts.set(id, a);
      if (!this.seenAlerts.has(key)) {
        this.seenAlerts.add(key);
        if (num(a.raisedAtMs) >= this.openedAtServerMs || a.escalated) this.onNewAlert(a);
      }
      this.emit("alerts");
    } else if (event.alertAcknowledged) {
      const ack = event.alertAcknowledged;
      const current = this.alerts.get(ack.alertId ?? "");
      const known = current ?? this.alertHistory.get(ack.alertId ?? "");
      this.remember(ack.alert?.alertId ? ack.alert : {
        ...(known ?? { alertId: ack.alertId }), state: pb.AlertState.ALERT_STATE_ACKNOWLEDGED, acknowledgedBy: ack.acknowledgedBy,
        acknowledgedByHandle: ack.acknowledgedByHandle, ackNote: ack.note, acknowledgedAtMs: ack.atMs });
      if (!current) this.emit("alerts");
      if (current) {
        // The alert as it is now, keeping the position only the live raise carried.
        const now: pb.IAlert = ack.alert?.alertId
          ? { ...ack.alert }
          : { ...current, state: pb.AlertState.ALERT_STATE_ACKNOWLEDGED, acknowledgedBy: ack.acknowledgedBy,
              acknowledgedByHandle: ack.acknowledgedByHandle, ackNote: ack.note, acknowledgedAtMs: ack.atMs };
        if (!now.location && current.location) now.location = current.location;
        this.alerts.set(ack.alertId ?? "", now);
        this.emit("alerts");
      }
    } else if (event.alertResolved) {
      const r = event.alertResolved;
      const known = this.alertHistory.get(r.alertId ?? "") ?? this.alerts.get(r.alertId ?? "");
      this.remember(r.alert?.alertId ? r.alert : {
        ...(known ?? { alertId: r.alertId }), state: pb.AlertState.ALERT_STATE_RESOLVED, resolvedBy: r.resolvedBy,
        resolvedByHandle: r.resolvedByHandle, resolveNote: r.note, resolvedAtMs: r.atMs });
      this.alerts.delete(r.alertId ?? "");
      this.emit("alerts");
    } else if (event.shiftChanged) {
      this.emit("shifts", event.shiftChanged.shift);
    } else if (event.shiftReminder) {
      this.emit("shifts", event.shiftReminder.shift);
    }
  }

  removeAlert(alertId: string): void {
    if (this.alerts.delete(alertId)) this.emit("alerts");
  }

  // Every open alert, as ListAlerts gives them after a Welcome: the complete list, where
  // the reminders that follow the Welcome are only the first 100. Merged in, so that an
  // alert pushed while the list was read stays.
  addAlerts(list: pb.IAlert[]): void {
    for (const a of list) {
      const id = a.alertId ?? "";
      this.remember(a);
      // Resolved ones (a volunteer asks for the evening's) are history, not on the board.
      if (a.state === pb.AlertState.ALERT_STATE_RESOLVED) continue;
      const location = a.location ?? this.alerts.get(id)?.location;
      this.alerts.set(id, location ? { ...a, location } : a);
    }
    this.emit("alerts");
  }

  private remember(alert: pb.IAlert): void {
    const id = alert.alertId ?? "";
    if (!id) return;
    const before = this.alertHistory.get(id);
    // A late reminder of the raise must not undo an answer seen already.
    if (before && (before.state ?? 0) > (alert.state ?? 0)) return;
    this.alertHistory.set(id, { ...alert });
  }

  // Alerts the volunteer raised or that are about their patrol, newest first.
  alertsAbout(patrolId: string): pb.IAlert[] {
    const me = this.volunteerId();
    return [...this.alertHistory.values()]
      .filter((a) => (me && a.raisedBy === me) || (patrolId && a.patrolId === patrolId))
      .sort((a, b) => num(b.raisedAtMs) - num(a.raisedAtMs));
  }

  // The urgent open alerts nobody has acknowledged yet (SOS, need support, overdue, a kind
  // this page does not know): what needs a lead now, and what the title, the header and the
  // Alerts tab count. The planning alerts have their own count in the planning panel.
  unanswered(): number {
    let n = 0;
    for (const a of this.alerts.values()) {
      if (a.state !== pb.AlertState.ALERT_STATE_ACKNOWLEDGED && !isPlanningAlert(a)) n += 1;
    }
    return n;
  }

  // One order of urgency everywhere (issue 29): SOS, NEED_SUPPORT, OVERDUE, then the
  // planning kinds; within each, those nobody has taken on before the acknowledged ones,
  // and the oldest first: the one waiting longest is the most urgent.
  openAlertsSorted(): pb.IAlert[] {
    const acked = (a: pb.IAlert): number => (a.state === pb.AlertState.ALERT_STATE_ACKNOWLEDGED ? 1 : 0);
    return [...this.alerts.values()].sort(
      (a, b) => alertRank(a) - alertRank(b) || acked(a) - acked(b) || num(a.raisedAtMs) - num(b.raisedAtMs));
  }

  // Every alert of the evening, for the handover log: open ones, and those raised or
  // resolved since `sinceMs`; newest first.
  alertLog(sinceMs: number): pb.IAlert[] {
    return [...this.alertHistory.values()]
      .filter((a) => a.kind && (a.state !== pb.AlertState.ALERT_STATE_RESOLVED ||
        num(a.raisedAtMs) >= sinceMs || num(a.resolvedAtMs) >= sinceMs))
      .sort((a, b) => num(b.raisedAtMs) - num(a.raisedAtMs));
  }
}

// 0 SOS, 1 NEED_SUPPORT, 2 OVERDUE, 3 the planning kinds (understaffed, small patrol,
// auto-closed): nothing a lead can plan for tomorrow may push down a patrol in trouble.
// A kind this page does not know yet counts as urgent rather than be overlooked.
export function alertRank(alert: pb.IAlert): number {
  switch (alert.kind) {
    case pb.AlertKind.ALERT_KIND_SOS: return 0;
    case pb.AlertKind.ALERT_KIND_NEED_SUPPORT: return 1;
    case pb.AlertKind.ALERT_KIND_UNDERSTAFFED:
    case pb.AlertKind.ALERT_KIND_SMALL_PATROL:
    case pb.AlertKind.ALERT_KIND_AUTO_CLOSED: return 3;
    default: return 2;
  }
}

export function isPlanningAlert(alert: pb.IAlert): boolean {
  return alertRank(alert) === 3;
}

// The kind's name for texts and data-kind ("SOS", "OVERDUE", ...); "UNKNOWN" for a kind this
// page does not know (a newer server): labelled "Alert", never another kind's name.
export function alertKind(alert: pb.IAlert): string {
  return alertKindName[alert.kind ?? 0] ?? "UNKNOWN";
}
