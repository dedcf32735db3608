import type { Course } from "../db/schema";
import type { CourseReport, ReportCourse, ReportStudent } from "../model/records";
import type { AttendanceStatus, PublicUser } from "../model/vocabulary";
import { requireCourseAction } from "./access";
import { averageRate, emptyCounts, standing } from "./rate";
import { approvedMarks, approvedStudents, termSessions } from "./term";
import type { DateRange } from "./zoned";

/** `GET /api/courses/:courseId/report` (SPEC §10): staff only. */
export async function courseReport(actor: PublicUser, courseId: string, range: DateRange): Promise<CourseReport> {
  const { course } = await requireCourseAction(actor.id, courseId, "history.view");
  return buildReport(course, range);
}

/**
 * Students × sessions in three set-based queries (sessions, approved
 * students, their records), assembled in one pass. Counts and rates cover the
 * ended sessions of the range; an open session shows its marks so far.
 */
export async function buildReport(course: Course, range: DateRange): Promise<CourseReport> {
  const [sessions, students, marks] = await Promise.all([termSessions(course, range), approvedStudents(course.id), approvedMarks(course, range)]);
  const settings = { lateCredit: Number(course.lateCredit), warnBelowPercent: Number(course.warnBelowPercent) };
  const ended = new Set(sessions.filter((s) => s.status === "ended").map((s) => s.id));

  const blank: Record<string, AttendanceStatus | null> = Object.fromEntries(sessions.map((s) => [s.id, null]));
  const rows = new Map<string, ReportStudent>();
  for (const s of students) {
    rows.set(s.id, { ...s, counts: emptyCounts(), rate: null, atRisk: false, statuses: { ...blank } });
  }
  for (const m of marks) {
    const row = rows.get(m.studentId);
    if (!row) continue;
    row.statuses[m.sessionId] = m.status;
    if (ended.has(m.sessionId)) row.counts[m.status] += 1;
  }
  for (const row of rows.values()) {
    const c = row.counts;
    c.unmarked = ended.size - (c.present + c.late + c.absent + c.excused);
    const st = standing(c, settings);
    row.rate = st.rate;
    row.atRisk = st.atRisk;
  }
  const list = [...rows.values()];
  return {
    course: reportCourse(course),
    sessions: sessions.map((s) => ({ id: s.id, title: s.title, startedAt: new Date(s.startedAt).toISOString(), status: s.status })),
    students: list,
    summary: { sessions: sessions.length, averageRate: averageRate(list.map((s) => s.rate)), atRisk: list.filter((s) => s.atRisk).length },
  };
}

export function reportCourse(c: Course): ReportCourse {
  return {
    id: c.id,
    name: c.name,
    code: c.code,
    term: c.term,
    timeZone: c.timeZone,
    lateCredit: Number(c.lateCredit),
    warnBelowPercent: Number(c.warnBelowPercent),
  };
}
