import type { AttendanceMethod, AttendanceStatus, RosterRow } from "@/lib/model/attendance";
import { ATTENDANCE_STATUSES } from "@/lib/model/vocabulary";

export type RowStatus = RosterRow["status"];

/** "123456" → "123 456": easier to read off a projector and to type. */
export function groupCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

export const STATUS_LABEL: Record<RowStatus, string> = {
  present: "Present",
  late: "Late",
  absent: "Absent",
  excused: "Excused",
  unmarked: "Not yet",
};

/** The marks a teacher can set, in the order the buttons show them. */
export const MARKS: readonly AttendanceStatus[] = ATTENDANCE_STATUSES;

/** Chip colours: 800 on 100 keeps contrast above 4.5:1 for every status. */
export const STATUS_TONE: Record<RowStatus, string> = {
  present: "bg-emerald-100 text-emerald-800 ring-emerald-600/20",
  late: "bg-amber-100 text-amber-900 ring-amber-600/25",
  absent: "bg-red-100 text-red-800 ring-red-600/20",
  excused: "bg-sky-100 text-sky-800 ring-sky-600/20",
  unmarked: "bg-slate-100 text-slate-700 ring-slate-500/20",
};

export const STATUS_BAR: Record<"present" | "late", string> = { present: "bg-emerald-500", late: "bg-amber-400" };

export const METHOD_LABEL: Record<AttendanceMethod, string> = { qr: "QR", code: "Code", manual: "By hand", auto: "At end" };

export const METHOD_TITLE: Record<AttendanceMethod, string> = {
  qr: "Checked in by scanning the QR code",
  code: "Checked in by typing the 6-digit code",
  manual: "Marked by a teacher",
  auto: "Marked absent when the session ended",
};

export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function shortTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** Seconds left, rounded up so the display reaches 0 exactly when the window ends. */
export function secondsLeft(expiresAtMs: number, serverNowMs: number): number {
  return Math.max(0, Math.ceil((expiresAtMs - serverNowMs) / 1000));
}
