// The generated protocol classes (pbjs, from proto/ at build time) and the few helpers the
// page needs around them.
import $protobuf from "protobufjs/minimal.js";
import { gadehold } from "@proto";

// Every 64-bit field is a time in ms or a counter below 2^53: decode them as numbers.
$protobuf.util.Long = undefined as unknown as typeof $protobuf.util.Long;
$protobuf.configure();

export import pb = gadehold.v1;

// int64 fields are typed number|Long by pbts; with Long switched off they are numbers.
export function num(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.toNumber();
}

// A random UUID (8-4-4-4-12) for client_id. crypto.randomUUID needs a secure context,
// which a dashboard reached over plain http on the LAN is not; getRandomValues works anywhere.
export function newClientId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// An enum's wire names by value without their prefix (ALERT_KIND_SOS → "SOS"), read from the
// generated enum so a new value needs no table here. The UNSPECIFIED zero is left out: an
// unknown value falls back to each caller's default.
function shortNames(values: object, prefix: string): Record<number, string> {
  const out: Record<number, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "number" && value !== 0 && name.startsWith(prefix)) out[value] = name.slice(prefix.length);
  }
  return out;
}

export const roleName = shortNames(pb.Role, "ROLE_");
export const alertKindName = shortNames(pb.AlertKind, "ALERT_KIND_");
export const staffingName = shortNames(pb.StaffingState, "STAFFING_STATE_");
export const errorCodeName = shortNames(pb.ErrorCode, "ERROR_CODE_");
