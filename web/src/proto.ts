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

export const roleName: Record<number, string> = {
  [pb.Role.ROLE_VOLUNTEER]: "volunteer",
  [pb.Role.ROLE_LEAD]: "lead",
  [pb.Role.ROLE_COORDINATOR]: "coordinator",
};

export const alertKindName: Record<number, string> = {
  [pb.AlertKind.ALERT_KIND_OVERDUE]: "OVERDUE",
  [pb.AlertKind.ALERT_KIND_SOS]: "SOS",
  [pb.AlertKind.ALERT_KIND_UNDERSTAFFED]: "UNDERSTAFFED",
  [pb.AlertKind.ALERT_KIND_SMALL_PATROL]: "SMALL_PATROL",
  [pb.AlertKind.ALERT_KIND_AUTO_CLOSED]: "AUTO_CLOSED",
};

export const staffingName: Record<number, string> = {
  [pb.StaffingState.STAFFING_STATE_UNDERSTAFFED]: "UNDERSTAFFED",
  [pb.StaffingState.STAFFING_STATE_STAFFED]: "STAFFED",
  [pb.StaffingState.STAFFING_STATE_FULL]: "FULL",
  [pb.StaffingState.STAFFING_STATE_CANCELLED]: "CANCELLED",
};

export const errorCodeName: Record<number, string> = {
  [pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT]: "INVALID_ARGUMENT",
  [pb.ErrorCode.ERROR_CODE_UNAUTHENTICATED]: "UNAUTHENTICATED",
  [pb.ErrorCode.ERROR_CODE_PERMISSION_DENIED]: "PERMISSION_DENIED",
  [pb.ErrorCode.ERROR_CODE_NOT_FOUND]: "NOT_FOUND",
  [pb.ErrorCode.ERROR_CODE_CONFLICT]: "CONFLICT",
  [pb.ErrorCode.ERROR_CODE_FAILED_PRECONDITION]: "FAILED_PRECONDITION",
  [pb.ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED]: "RESOURCE_EXHAUSTED",
  [pb.ErrorCode.ERROR_CODE_UNAVAILABLE]: "UNAVAILABLE",
  [pb.ErrorCode.ERROR_CODE_INTERNAL]: "INTERNAL",
};
