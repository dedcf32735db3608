import { sql } from "drizzle-orm";
import { stringify } from "csv-stringify/sync";
import { getDb } from "../db/client";
import type { Course } from "../db/schema";
import type { CourseReport, ReportLayout } from "../model/records";
import type { AttendanceMethod, AttendanceStatus, PublicUser } from "../model/vocabulary";
import { requireCourseAction } from "./access";
import { loadSession } from "../attendance/sessions";
import { now } from "../clock";
import { startedWithin } from "./range";
import { buildReport } from "./report";
import { byName } from "./term";
import { instantRange, zonedDate, zonedDateTime, zonedIso, type DateRange } from "./zoned";

// CSV exports (SPEC §10): UTF-8 with a BOM and CRLF line ends, so Excel opens
// them as UTF-8; RFC 4180 quoting and formula defusing by csv-stringify, never
// by hand. Every date in them is written in the course's own time zone.

export type CsvFile = { filename: string; body: string };

type Cell = string | number | null;

/**
 * csv-stringify's `escape_formulas` prefixes `'` to a text cell that begins
 * with =, +, -, @, a tab or a carriage return (and their full-width forms);
 * numbers stay numbers. A custom record delimiter turns off quoting of line
 * breaks inside cells unless asked for, so it is asked for.
 */
export function writeCsv(rows: Cell[][]): string {
  return stringify(rows, { bom: true, record_delimiter: "windows", quote_record_delimiter: true, escape_formulas: true });
}

/** `Rate %` with one decimal at most (87.5, 75), empty when nothing counts. */
export function ratePercent(rate: number | null): number | null {
  return rate === null ? null : Math.round(rate * 1000) / 10;
}

/** A session's column: `YYYY-MM-DD HH:mm` in the course's zone, then ` – title` when it has one. */
export function sessionLabel(startedAt: number, title: string | null, timeZone: string): string {
  const when = zonedDateTime(startedAt, timeZone);
  return title ? `${when} – ${title}` : when;
}

/** `<course code or name>-attendance-<YYYY-MM-DD>.csv`; the date is in the course's zone. */
export function csvFilename(course: Pick<Course, "code" | "name">, date: string): string {
  return `${course.code || course.name}-attendance-${date}.csv`;
}

/** `GET /api/courses/:courseId/export.csv` (staff). */
export async function courseCsv(actor: PublicUser, courseId: string, q: DateRange & { layout: ReportLayout }): Promise<CsvFile> {
  const { course } = await requireCourseAction(actor.id, courseId, "export");
  const body = q.layout === "records" ? await recordsCsv(course, { range: q }) : matrixCsv(course, await buildReport(course, q));
  return { filename: csvFilename(course, zonedDate(now(), course.timeZone)), body };
}

/** `GET /api/sessions/:sessionId/export.csv` (staff): the records layout for one session, named by the session's date. */
export async function sessionCsv(actor: PublicUser, sessionId: string): Promise<CsvFile> {
  const { session, course } = await loadSession(sessionId);
  await requireCourseAction(actor.id, session.courseId, "export");
  const body = await recordsCsv(course, { sessionId });
  return { filename: csvFilename(course, zonedDate(session.startedAt, course.timeZone)), body };
}

/** One row per approved student (by name), one column per session (oldest first), then the tallies. */
export function matrixCsv(course: Course, report: CourseReport): string {
  const tz = course.timeZone;
  const header: Cell[] = [
    "Name",
    "Email",
    "Student number",
    ...report.sessions.map((s) => sessionLabel(Date.parse(s.startedAt), s.title, tz)),
    "Present",
    "Late",
    "Absent",
    "Excused",
    "Rate %",
  ];
  const rows: Cell[][] = report.students.map((st) => [
    st.name,
    st.email,
    st.studentNumber,
    ...report.sessions.map((s) => st.statuses[s.id]),
    st.counts.present,
    st.counts.late,
    st.counts.absent,
    st.counts.excused,
    ratePercent(st.rate),
  ]);
  return writeCsv([header, ...rows]);
}

export const RECORDS_HEADER = ["Name", "Email", "Student number", "Session", "Started", "Status", "Method", "Checked in at", "Late minutes", "Note", "Marked by"];

type RecordLine = {
  id: string;
  name: string;
  email: string;
  studentNumber: string | null;
  sessionId: string;
  title: string | null;
  startedAt: number;
  status: AttendanceStatus;
  method: AttendanceMethod;
  checkedInAt: number | null;
  lateMinutes: number | null;
  note: string | null;
  markedByName: string | null;
};

/**
 * Every attendance record of the sessions chosen (a date range of the course,
 * or one session), sessions oldest first, students by name. Times are ISO
 * 8601 with the course's UTC offset at that moment.
 */
async function recordsCsv(course: Course, scope: { range: DateRange } | { sessionId: string }): Promise<string> {
  const where =
    "sessionId" in scope
      ? sql`s.id = ${scope.sessionId}`
      : sql`s.course_id = ${course.id}${startedWithin("s", instantRange(scope.range, course.timeZone))}`;
  const lines = await getDb().all<RecordLine>(sql`
    SELECT u.id, u.name, u.email, e.student_number AS "studentNumber", s.id AS "sessionId", s.title, s.started_at AS "startedAt",
           r.status, r.method, r.checked_in_at AS "checkedInAt", r.late_minutes AS "lateMinutes", r.note, m.name AS "markedByName"
    FROM attendance_records r
    JOIN sessions s ON s.id = r.session_id
    JOIN users u ON u.id = r.student_id
    LEFT JOIN enrollments e ON e.course_id = s.course_id AND e.student_id = r.student_id
    LEFT JOIN users m ON m.id = r.marked_by
    WHERE ${where}`);
  // Rank each person once: comparing names with the collator inside a 30,000-row sort costs most of a second.
  const people = [...new Map(lines.map((l) => [l.id, l])).values()].sort(byName);
  const rank = new Map(people.map((p, i) => [p.id, i]));
  lines.sort(
    (a, b) =>
      Number(a.startedAt) - Number(b.startedAt) || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0) || rank.get(a.id)! - rank.get(b.id)!,
  );
  const tz = course.timeZone;
  const sessionCells = new Map<string, [string, string]>();
  const sessionOf = (l: RecordLine) => {
    let cells = sessionCells.get(l.sessionId);
    if (!cells) sessionCells.set(l.sessionId, (cells = [l.title ?? zonedDateTime(Number(l.startedAt), tz), zonedIso(Number(l.startedAt), tz)]));
    return cells;
  };
  const rows: Cell[][] = lines.map((l) => [
    l.name,
    l.email,
    l.studentNumber,
    ...sessionOf(l),
    l.status,
    l.method,
    l.checkedInAt === null ? null : zonedIso(Number(l.checkedInAt), tz),
    l.lateMinutes,
    l.note,
    l.markedByName,
  ]);
  return writeCsv([RECORDS_HEADER, ...rows]);
}
