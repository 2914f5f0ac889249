// After every Welcome (the first and each reconnect): the teams and areas, the events missed
// while away (Sync), every open alert with the evening's resolved ones, and the active
// patrols; then the offline banner goes and the views hear of the new session.
import { Ctx } from "./context";
import { describe } from "./errors";
import { clock } from "./format";
import { t } from "./i18n";
import { saveLastSession } from "./last_session";
import { num, pb } from "./proto";
import { syncSince } from "./protocol/sync";
import { ConnWatch } from "./views/offline_banner";

// How far back the evening's resolved alerts go (the SOS panel, the evening log).
const RESOLVED_HOURS = 12;

export async function catchUp(ctx: Ctx, connWatch: ConnWatch, welcome: pb.IWelcome, first: boolean): Promise<void> {
  const { model, conn, toast } = ctx;
  // Events pushed while the lists below load raise lastSeq: Sync from where we were.
  const since = model.lastSeq;
  const [teams, areas] = await Promise.all([
    conn.call({ listTeams: {} }, "teamList"),
    conn.call({ listAreas: {} }, "areaList"),
  ]);
  model.teams = teams.teams ?? [];
  model.areas = new Map((areas.areas ?? []).map((a) => [a.areaId ?? "", a]));
  saveLastSession(welcome, model.teams, areas.areas ?? []);
  let resync = false;
  if (!first && since > 0) {
    const result = await syncSince(conn, since, (event) => model.apply(event));
    // Too old or too new for the server's event log, or the replay failed: the lists are
    // the state, and open views load theirs again.
    if (result.kind === "resync") {
      if (result.error) toast(describe(result.error));
      resync = true;
    }
  }
  model.lastSeq = Math.max(model.lastSeq, num(welcome.latestSeq));
  // Every open alert: the reminders after Welcome are only the first 100. With the
  // evening's resolved ones: a volunteer's SOS panel knows how an SOS of theirs ended while
  // the page was closed, and a lead's evening log (views/evening_log.ts) lists them all.
  const resolvedSince = Math.max(0, model.now() - RESOLVED_HOURS * 3600_000);
  const alerts: pb.IAlert[] = [];
  let pageToken = "";
  do {
    const page = await conn.call({ listAlerts: { pageToken, limit: 500, includeResolvedSinceMs: resolvedSince } }, "alertList");
    alerts.push(...(page.alerts ?? []));
    pageToken = page.nextPageToken ?? "";
  } while (pageToken);
  model.addAlerts(alerts);
  const active = await conn.call({ listActivePatrols: {} }, "activePatrols");
  model.setPatrols(active.patrols ?? []);
  // The state is the server's again: the clock runs, the banner goes, before the views
  // (the Tonight panel lists its shifts again) hear of the new session.
  const back = connWatch.caughtUp();
  model.emit("session");
  if (resync) model.emit("shifts");
  if (back) toast(t("conn.back", { time: clock(model.now()) }));
}

