// Wire shapes of the term's records (SPEC §10): history, report, one student's records, audit trail.
// Types only: safe to import in the browser.
import type { Counts, RecordDto } from "./attendance";
import type { AttendanceMethod, AttendanceStatus, EnrollmentStatus, SessionStatus } from "./vocabulary";

/** A student's tally over a course's ended sessions; `unmarked` is an ended session without a record. */
export type TermCounts = { present: number; late: number; absent: number; excused: number; unmarked: number };

/** A course's settings that decide rates and warnings (SPEC §9). */
export type RateSettings = { lateCredit: number; warnBelowPercent: number };

/** Staff's row of the course history: the session's counts (SPEC §4) and its rate under the course's rule. */
export type StaffHistorySession = {
  id: string;
  title: string | null;
  startedAt: string;
  endedAt: string | null;
  status: SessionStatus;
  counts: Counts;
  rate: number | null;
};

/** A student's row of the course history: their own record instead of the class's counts. */
export type StudentHistorySession = {
  id: string;
  title: string | null;
  startedAt: string;
  endedAt: string | null;
  status: SessionStatus;
  me: RecordDto | null;
};

export type ReportSession = { id: string; title: string | null; startedAt: string; status: SessionStatus };

export type ReportStudent = {
  id: string;
  name: string;
  email: string;
  studentNumber: string | null;
  counts: TermCounts;
  rate: number | null;
  atRisk: boolean;
  statuses: Record<string, AttendanceStatus | null>;
};

export type ReportCourse = {
  id: string;
  name: string;
  code: string | null;
  term: string | null;
  timeZone: string;
  lateCredit: number;
  warnBelowPercent: number;
};

export type CourseReport = {
  course: ReportCourse;
  sessions: ReportSession[];
  students: ReportStudent[];
  summary: { sessions: number; averageRate: number | null; atRisk: number };
};

/** One session in a student's records; `status` null when the student has no record in it. */
export type StudentRecord = {
  sessionId: string;
  title: string | null;
  startedAt: string;
  sessionStatus: SessionStatus;
  status: AttendanceStatus | null;
  method: AttendanceMethod | null;
  checkedInAt: string | null;
  lateMinutes: number | null;
  note: string | null;
};

export type StudentStanding = { counts: TermCounts; rate: number | null; atRisk: boolean };

export type StudentAttendance = StudentStanding & {
  student: { id: string; name: string; email: string; studentNumber: string | null; enrollmentStatus: EnrollmentStatus | null };
  warnBelowPercent: number;
  records: StudentRecord[];
};

export type MyCourseAttendance = StudentStanding & {
  courseId: string;
  courseName: string;
  courseCode: string | null;
  warnBelowPercent: number;
  records: StudentRecord[];
};

export type AuditEventDto = {
  id: number;
  at: string;
  actor: { id: string; name: string } | null;
  action: string;
  studentId: string | null;
  studentName: string | null;
  from: string | null;
  to: string | null;
  note: string | null;
  /** A refused check-in (`checkin_flagged`): the student whose device it was. */
  otherStudent?: { id: string; name: string } | null;
};

export const REPORT_LAYOUTS = ["matrix", "records"] as const;
export type ReportLayout = (typeof REPORT_LAYOUTS)[number];
