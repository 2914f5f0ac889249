// The server's reasons in people's words. The server sends reason codes and structured
// values (Error.reason/params/field, Alert.kind/params, Alert.resolve_reason/params; the
// list: proto/gadehold/v1/reasons.tsv); the sentences are built here from
// messages/<lang>.json, never from the server's English. build.mjs fails when a row of
// reasons.tsv has no text (web/check_messages.mjs).
import { clock, dayLabel } from "./format";
import { MessageKey, t } from "./i18n";
import { alertKind } from "./model";
import { pb } from "./proto";

export type Params = Record<string, string>;

function has(key: string): key is MessageKey {
  return t(key as MessageKey) !== key;
}

// A time in ms as people read it: "21:14" today, "Fri 12 Dec, 21:14" another day (Danish
// "kl. 21.14", "fre. 12. dec. kl. 21.14").
export function when(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now);
  const time = clock(ms);
  if (d.toDateString() === today.toDateString()) return t("time.at", { time });
  return t("time.dayAt", { day: dayLabel(d), time });
}

// The params as the sentence shows them: every `*_ms` value a local time.
export function shown(params: Params | null | undefined): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    const ms = Number(value);
    out[name] = name.endsWith("_ms") && value !== "" && Number.isFinite(ms) && ms > 0 ? when(ms) : value;
  }
  return out;
}

// The text of `key` with its params, or "" when the page has no such text or a value the
// sentence needs is missing: a half-filled "{max_hours}" is never shown.
function fill(key: string, params: Params): string {
  if (!has(key)) return "";
  const text = t(key, params);
  return /\{\w+\}/.test(text) ? "" : text;
}

// The sentence of a reason (an error's rule or a server resolution), or "" if unknown.
export function reasonText(reason: string | null | undefined, params?: Params | null): string {
  if (!reason) return "";
  const p = shown(params);
  // Either bound of a range may be absent (reasons.tsv).
  if (reason === "OUT_OF_RANGE" && !(p.min && p.max)) {
    if (p.min) return t("range.atLeast", p);
    if (p.max) return t("range.atMost", p);
    return "";
  }
  return fill(`reason.${reason}`, p);
}

// The translated name of a request field, or "" for one the page does not name.
export function fieldName(field: string | null | undefined): string {
  return field ? fill(`field.${field}`, {}) : "";
}

// The sentence for a refused request whose reason the page does not know (an older page
// and a newer server): the error code's text and, if set, the field it names.
export function codeText(code: string, field?: string | null): string {
  const text = fill(`error.${code}`, {}) || t("error.INTERNAL");
  const name = fieldName(field);
  return name ? `${text} ${t("error.field", { field: name })}` : text;
}

// What an alert says, from its kind and params. An SOS carries the volunteer's own
// (scrubbed) words, shown as theirs.
export function alertText(alert: pb.IAlert): string {
  const kind = alertKind(alert);
  if (kind === "SOS" && alert.message) return t("alerts.sosMessage", { message: alert.message });
  return fill(`alerts.text.${kind}`, shown(alert.params));
}

// How the server resolved an alert (resolve_reason), or "" when a person resolved it.
export function resolutionText(alert: pb.IAlert): string {
  return reasonText(alert.resolveReason, alert.resolveParams);
}
