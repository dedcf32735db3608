// Wire shapes shared by REST, Socket.IO and the React pages. Types only: safe to import in the browser.

export type AttendanceStatus = "present" | "late" | "absent" | "excused";
export type AttendanceMethod = "qr" | "code" | "manual" | "auto";

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
  title: string;
  status: "active" | "ended";
  startedAt: string;
  endedAt: string | null;
  lateAfterMinutes: number;
  closeAfterMinutes: number | null;
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
  session: { id: string; title: string; courseName: string; courseCode: string | null };
  alreadyCheckedIn: boolean;
};

export type ErrorDto = { code: string; message: string } & Record<string, unknown>;
