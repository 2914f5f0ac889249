// What a push shows: the decrypted payload (docs/protocol.md, "Push") turned into a
// notification's title and options, in English or Danish. Kind, area and time only: a push
// carries no text, handle or position. Plain functions, without the worker's globals.
import da from "../messages/da.json";
import en from "../messages/en.json";
import { NotifyLang } from "./lang_store";

type Key = keyof typeof en;
const catalogues: Record<NotifyLang, Record<string, string>> = { en, da };

export interface PushNotification {
  title: string;
  options: {
    body: string;
    tag?: string;
    data: { url: string; alertId: string };
    requireInteraction: boolean;
    renotify: boolean;
    silent: boolean;
    vibrate?: number[];
  };
}

// Long enough to feel through a jacket; the same rhythm as an SOS everywhere.
const URGENT_VIBRATION = [400, 200, 400, 200, 400];
const ALERT_KINDS: Record<string, string> = { sos: "SOS", need_support: "NEED_SUPPORT", overdue: "OVERDUE" };
const ID = /^[a-z]{2,8}_[0-9A-Za-z]{1,64}$/;
// Where a tapped check-in or patrol message notification leads: the volunteer's patrol view.
export const PATROL_URL = "/#patrol";

function text(lang: NotifyLang, key: Key, params: Record<string, string> = {}): string {
  const template = catalogues[lang][key] ?? catalogues.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`);
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function id(value: unknown): string {
  const s = str(value);
  return ID.test(s) ? s : "";
}

// The time of the event in the phone's own time zone; with the date when it is not today.
function when(lang: NotifyLang, atMs: number, nowMs: number): string {
  const locale = lang === "da" ? "da-DK" : "en-GB";
  const at = new Date(atMs);
  const sameDay = at.toDateString() === new Date(nowMs).toDateString();
  return at.toLocaleString(locale, sameDay ? { hour: "2-digit", minute: "2-digit" }
    : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

function generic(lang: NotifyLang): PushNotification {
  return {
    title: text(lang, "push.generic.title"),
    options: { body: text(lang, "push.generic.body"), tag: "gadehold", data: { url: "/", alertId: "" },
      requireInteraction: false, renotify: false, silent: false },
  };
}

// `data` is the push's payload as text, or null for a push without one.
export function pushNotification(data: string | null, lang: NotifyLang, nowMs = Date.now()): PushNotification {
  let p: Record<string, unknown>;
  try {
    const parsed: unknown = data === null ? null : JSON.parse(data);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return generic(lang);
    p = parsed as Record<string, unknown>;
  } catch {
    return generic(lang);
  }
  if (p.v !== 1 || typeof p.at_ms !== "number" || !Number.isFinite(p.at_ms)) return generic(lang);
  const time = when(lang, p.at_ms, nowMs);
  const area = str(p.area).slice(0, 80);
  const withArea = (what: string): string => (area ? text(lang, "push.title.area", { what, area }) : what);

  const kind = str(p.kind);
  if (kind === "alert_raised" || kind === "alert_acknowledged" || kind === "alert_resolved") {
    const alertKind = ALERT_KINDS[str(p.alert_kind)];
    const alertId = id(p.alert_id);
    if (!alertKind || !alertId) return generic(lang);
    const name = text(lang, `alerts.kind.${alertKind}` as Key);
    const url = `/#alert=${alertId}`;
    if (kind === "alert_raised") {
      const escalated = p.escalated === true;
      // Someone may be in danger: it stays until answered, and buzzes each time it is raised again.
      const urgent = alertKind !== "OVERDUE" || escalated;
      return {
        title: withArea(escalated ? text(lang, "push.alert.escalated", { kind: name }) : name),
        options: { body: text(lang, "push.body.raised", { time }), tag: alertId, data: { url, alertId },
          requireInteraction: urgent, renotify: true, silent: false,
          vibrate: urgent ? URGENT_VIBRATION : undefined },
      };
    }
    // An answer replaces the alert's notification, quietly.
    const acked = kind === "alert_acknowledged";
    return {
      title: withArea(text(lang, acked ? "push.alert.acknowledged" : "push.alert.resolved", { kind: name })),
      options: { body: text(lang, acked ? "push.body.acknowledged" : "push.body.resolved", { time }), tag: alertId,
        data: { url, alertId }, requireInteraction: false, renotify: false, silent: true },
    };
  }
  const quiet = (title: string, body: string, tag: string, url = "/"): PushNotification => ({
    title: withArea(title),
    options: { body, tag: tag || undefined, data: { url, alertId: "" }, requireInteraction: false,
      renotify: false, silent: false },
  });
  const patrolId = id(p.patrol_id);
  // A patrol member's: tapped, it opens the patrol view (PATROL_URL).
  if (kind === "check_in_due") {
    return quiet(text(lang, "push.checkInDue.title"), text(lang, "push.checkInDue.body", { time }),
      patrolId ? `due:${patrolId}` : "", PATROL_URL);
  }
  if (kind === "shift_reminder") {
    const shiftId = id(p.shift_id);
    return quiet(text(lang, "push.shiftReminder.title"), text(lang, "push.shiftReminder.body", { time }),
      shiftId ? `shift:${shiftId}` : "");
  }
  if (kind === "patrol_message") {
    const messageId = id(p.message_id);
    return quiet(text(lang, "push.patrolMessage.title"), text(lang, "push.patrolMessage.body", { time }),
      messageId ? `message:${messageId}` : "", PATROL_URL);
  }
  return generic(lang);
}
