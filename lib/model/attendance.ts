// Wire shapes shared by REST, Socket.IO and the React pages. Types only: safe to import in the browser.
import type { AttendanceMethod, AttendanceStatus, SessionStatus } from "./vocabulary";

export type { AttendanceMethod, AttendanceStatus } from "./vocabulary";

export type Counts = { present: number; late: number; absent: number; excused: number; unmarked: number; total: number };

export type RecordDto = {
  studentId: string;
  studentName: string;
  status: AttendanceStatus;
  method: AttendanceMethod;
  checkedInAt: string | null;
  lateMinutes: number | null;
  markedBy: string | null;
  note: string | null;
  flagged: boolean;
  updatedAt: string;
};

/** A roster row: the student's record, or `status: "unmarked"` when there is none yet. */
export type RosterRow =
  | RecordDto
  | {
      studentId: string;
      studentName: string;
      status: "unmarked";
      method: null;
      checkedInAt: null;
      lateMinutes: null;
      markedBy: null;
      note: null;
      flagged: false;
      updatedAt: null;
    };

export type SessionDto = {
  id: string;
  courseId: string;
  courseName: string;
  courseCode: string | null;
  /** null when the teacher gave none: pages show the start time in the viewer's own zone instead. */
  title: string | null;
  status: SessionStatus;
  startedAt: string;
  endedAt: string | null;
  lateAfterMinutes: number;
  closeAfterMinutes: number | null;
  /** When check-in closes (startedAt + closeAfterMinutes), or null when it stays open until the end. */
  closesAt: string | null;
  rotationSeconds: number;
  codeRotationSeconds: number;
};

export type CodeDto = {
  token: string;
  url: string;
  code: string;
  expiresAt: string;
  codeExpiresAt: string | null;
  serverTime: string;
};

export type FlaggedDto = {
  sessionId: string;
  studentId: string;
  studentName: string;
  reason: string;
  at: string;
  otherStudentId?: string | null;
  otherStudentName?: string | null;
};

export type CheckinResult = {
  record: RecordDto;
  session: { id: string; title: string | null; startedAt: string; courseName: string; courseCode: string | null };
  alreadyCheckedIn: boolean;
};

export type ErrorDto = { code: string; message: string } & Record<string, unknown>;

/** What staff get when they open a session (console, projector, `session:watch`): all of it, from the database. */
export type StaffSessionView = {
  role: "owner" | "ta";
  session: SessionDto;
  counts: Counts;
  roster: RosterRow[];
  code: CodeDto | null;
  flagged: FlaggedDto[];
};

/** What an enrolled student gets: the session and their own record, nobody else's. */
export type StudentSessionView = { role: "student"; session: SessionDto; me: RecordDto | null };

export type SessionView = StaffSessionView | StudentSessionView;
