// What the volunteer has going on, from the server's state (the model) and the writes still
// on this phone (the outbox): their patrol, even while its StartPatrol waits for a signal,
// when its next check-in is due, and their latest SOS. Plain functions over both.
import { Ctx } from "../../context";
import { Model } from "../../model";
import { num, pb } from "../../proto";
import { isPending, OutboxEntry } from "../../protocol/outbox";

export interface MyPatrol {
  // "" while the StartPatrol is still on this phone: writes about it then name that
  // entry's client id (startClientId) and get the patrol id from its Ack.
  patrolId: string;
  startClientId: string;
  patrol: pb.IPatrol | null;
  areaId: string;
  shiftId: string;
  memberIds: string[];
  intervalS: number;
  // Server time.
  startedAtMs: number;
  // An EndPatrol for it is on this phone, not yet stored.
  ending: boolean;
}

const DEFAULT_INTERVAL_S = 1200;

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function numberOf(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

// The link that names a patrol in an entry: its id, or the StartPatrol's client id.
export function patrolLink(p: MyPatrol): { body: Record<string, unknown>; links: { patrolOf?: string } } {
  return p.patrolId ? { body: { patrolId: p.patrolId }, links: {} } : { body: {}, links: { patrolOf: p.startClientId } };
}

// Whether an entry is about this patrol (by id, or through its StartPatrol).
export function isAbout(entry: OutboxEntry, p: { patrolId: string; startClientId: string }): boolean {
  if (p.patrolId && str(entry.body.patrolId) === p.patrolId) return true;
  return !!p.startClientId && entry.patrolOf === p.startClientId;
}

function startIdOf(entries: OutboxEntry[], patrolId: string): string {
  return entries.find((e) => e.kind === "startPatrol" && e.ackId === patrolId)?.clientId ?? "";
}

function endEntry(entries: OutboxEntry[], p: { patrolId: string; startClientId: string }): OutboxEntry | undefined {
  return entries.find((e) => e.kind === "endPatrol" && e.state !== "refused" && isAbout(e, p));
}

function fromStart(model: Model, entry: OutboxEntry, patrolId: string): MyPatrol {
  const b = entry.body;
  return {
    patrolId,
    startClientId: entry.clientId,
    patrol: null,
    areaId: str(b.areaId),
    shiftId: str(b.shiftId),
    memberIds: [model.volunteerId(), ...(Array.isArray(b.memberIds) ? b.memberIds.map(str) : [])],
    intervalS: numberOf(b.checkinIntervalS) || DEFAULT_INTERVAL_S,
    startedAtMs: numberOf(b.startedAtMs) + model.clockOffsetMs,
    ending: false,
  };
}

// The volunteer's patrol: the server's open one with them on it; else a StartPatrol still
// on this phone; else one whose Ack came after the last listing of patrols (its event may
// not be here yet). A patrol with an EndPatrol on this phone is over for the volunteer.
export function myPatrol(ctx: Ctx): MyPatrol | null {
  const { model, outbox } = ctx;
  const me = model.volunteerId();
  const entries = outbox.list();
  const candidates: MyPatrol[] = [];
  for (const state of model.patrols.values()) {
    const p = state.patrol;
    if (!(p.members ?? []).some((m) => m.volunteerId === me)) continue;
    const id = p.patrolId ?? "";
    candidates.push({
      patrolId: id,
      startClientId: startIdOf(entries, id),
      patrol: p,
      areaId: p.areaId ?? "",
      shiftId: p.shiftId ?? "",
      memberIds: (p.members ?? []).map((m) => m.volunteerId ?? ""),
      intervalS: p.checkinIntervalS || DEFAULT_INTERVAL_S,
      startedAtMs: num(p.startedAtMs),
      ending: false,
    });
  }
  for (const e of [...entries].reverse()) {
    if (e.kind !== "startPatrol") continue;
    if (isPending(e)) candidates.push(fromStart(model, e, ""));
    else if (e.state === "stored" && e.ackId && !model.patrols.has(e.ackId) && !model.endedPatrols.has(e.ackId)
      && e.createdMs > model.patrolsListedAt) candidates.push(fromStart(model, e, e.ackId));
  }
  for (const c of candidates) {
    const end = endEntry(entries, c);
    if (end?.state === "stored") continue;
    if (end) c.ending = true;
    return c;
  }
  return null;
}

// Server time of the patrol's last sign of life that the server has: its start, the last
// check-in anyone made, and this phone's own check-ins, notes and SOS that it stored. One
// still waiting on the phone does not count: the leads' overdue clock has not heard it.
export function lastActivity(ctx: Ctx, p: MyPatrol): number {
  const { model, outbox } = ctx;
  let last = Math.max(p.startedAtMs, num(p.patrol?.lastCheckInMs));
  for (const e of outbox.list()) {
    if (e.state !== "stored" || !isAbout(e, p)) continue;
    if (e.kind === "checkIn" || e.kind === "submitNote") last = Math.max(last, numberOf(e.body.atMs) + model.clockOffsetMs);
    else if (e.kind === "raiseSos") last = Math.max(last, e.createdMs + model.clockOffsetMs);
  }
  return last;
}

// When the next check-in is due (server time): the last activity plus the interval, as
// the server's check_in_due says (not Patrol.due_at_ms, which adds the lead's grace).
export function nextDue(ctx: Ctx, p: MyPatrol): number {
  const due = lastActivity(ctx, p) + p.intervalS * 1000;
  return Math.max(due, p.patrolId ? ctx.model.checkInDue.get(p.patrolId) ?? 0 : 0);
}

// The volunteer's newest SOS on this phone, and its "I am safe" if there is one.
export interface MySos {
  sos: OutboxEntry;
  resolve: OutboxEntry | undefined;
  alert: pb.IAlert | undefined;
}

export function latestSos(ctx: Ctx): MySos | null {
  const entries = ctx.outbox.list();
  const sos = [...entries].reverse().find((e) => e.kind === "raiseSos");
  if (!sos) return null;
  const resolve = [...entries].reverse().find((e) => e.kind === "resolveAlert"
    && (e.alertOf === sos.clientId || (!!sos.ackId && str(e.body.alertId) === sos.ackId)));
  return { sos, resolve, alert: sos.ackId ? ctx.model.alertHistory.get(sos.ackId) : undefined };
}

// Names of the volunteer's fellow members, from the teams they belong to.
export function teamMates(model: Model): { teamId: string; teamName: string; members: pb.ITeamMember[] }[] {
  const me = model.volunteerId();
  return model.teams
    .filter((team) => (team.members ?? []).some((m) => m.volunteerId === me))
    .map((team) => ({
      teamId: team.teamId ?? "",
      teamName: team.name ?? "",
      members: (team.members ?? []).filter((m) => m.volunteerId !== me)
        .sort((a, b) => (a.handle ?? "").localeCompare(b.handle ?? "")),
    }));
}

