import type { CheckinResult, CodeDto, Counts, ErrorDto, FlaggedDto, RecordDto, SessionDto, SessionView } from "../model/attendance";
import type { EnrollmentStatus, PublicUser } from "../model/vocabulary";

// Typed Socket.IO contract (SPEC §5), imported by the server and the browser.

export type Ack<T> = (reply: ({ ok: true } & T) | { ok: false; error: ErrorDto }) => void;

export type EnrollmentEvent = {
  courseId: string;
  courseName?: string;
  student?: { id: string; name: string; email: string };
  studentId: string;
  status: EnrollmentStatus;
};

export interface ServerToClientEvents {
  "session:code": (p: CodeDto & { sessionId: string }) => void;
  "attendance:marked": (p: { sessionId: string; record: RecordDto; counts?: Counts }) => void;
  "attendance:flagged": (p: FlaggedDto) => void;
  "session:stats": (p: { sessionId: string; counts: Counts }) => void;
  "session:started": (p: { session: SessionDto; courseId: string; courseName: string }) => void;
  "session:ended": (p: { sessionId: string; endedAt: string; counts: Counts }) => void;
  "enrollment:requested": (p: EnrollmentEvent) => void;
  "enrollment:updated": (p: EnrollmentEvent) => void;
}

export interface ClientToServerEvents {
  "session:watch": (p: { sessionId: string }, ack: Ack<SessionView>) => void;
  "session:unwatch": (p: { sessionId: string }, ack?: Ack<object>) => void;
  "attendance:checkin": (p: { token?: string; code?: string }, ack: Ack<CheckinResult>) => void;
  "course:watch": (p: { courseId: string }, ack: Ack<{ courseId: string }>) => void;
}

export interface SocketData {
  user: PublicUser;
  deviceId: string | null;
  ip: string;
  userAgent: string | null;
}

export const rooms = {
  user: (id: string) => `user:${id}`,
  staff: (sessionId: string) => `session:${sessionId}:staff`,
  students: (sessionId: string) => `session:${sessionId}:students`,
  course: (courseId: string) => `course:${courseId}:staff`,
};
