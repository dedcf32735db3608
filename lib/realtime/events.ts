import type { CheckinResult, CodeDto, Counts, ErrorDto, FlaggedDto, RecordDto, SessionDto, SessionView } from "../model/attendance";
import type { EnrollmentStatus, PublicUser } from "../model/vocabulary";
import type { HeldScan } from "../attendance/held-scan";

// Typed Socket.IO contract (SPEC §5), imported by the server and the browser.

export type Ack<T> = (reply: ({ ok: true } & T) | { ok: false; error: ErrorDto }) => void;

export type EnrollmentEvent = {
  courseId: string;
  courseName?: string;
  student?: { id: string; name: string; email: string };
  studentId: string;
  status: EnrollmentStatus;
};

/** Something a staff page shows changed; the page loads it again (settings, the enroll code, staff, roster, archive). */
export type CourseUpdate = {
  courseId: string;
  change: "settings" | "enrollCode" | "archived" | "restored" | "invitations" | "staff" | "roster";
};

export interface ServerToClientEvents {
  "session:code": (p: CodeDto & { sessionId: string }) => void;
  "attendance:marked": (p: { sessionId: string; record: RecordDto; counts?: Counts }) => void;
  /**
   * A record was taken back (undo of "mark remaining", not in SPEC §5's list): the student is "not yet" again.
   * `at` orders it against records (`updatedAt`); `counts` to staff only.
   */
  "attendance:unmarked": (p: { sessionId: string; studentId: string; at: string; counts?: Counts }) => void;
  "attendance:flagged": (p: FlaggedDto) => void;
  "session:stats": (p: { sessionId: string; counts: Counts }) => void;
  "session:started": (p: { session: SessionDto; courseId: string; courseName: string }) => void;
  "session:ended": (p: { sessionId: string; endedAt: string; counts: Counts }) => void;
  "enrollment:requested": (p: EnrollmentEvent) => void;
  "enrollment:updated": (p: EnrollmentEvent) => void;
  "course:updated": (p: CourseUpdate) => void;
  /** Distinct students with /join open on the session (SPEC §9), to its staff room, at most once a second. */
  "session:presence": (p: { sessionId: string; connected: number }) => void;
}

export interface ClientToServerEvents {
  /** `presence`: sent by /join, whose students count as connected phones (SPEC §9 `session:presence`). */
  "session:watch": (p: { sessionId: string; presence?: boolean }, ack: Ack<SessionView & { connected?: number }>) => void;
  "session:unwatch": (p: { sessionId: string }, ack?: Ack<object>) => void;
  /** `presence`: sent by /join; a successful check-in also watches the session (student room, and presence room with it). */
  "attendance:checkin": (p: { token?: string; code?: string; presence?: boolean }, ack: Ack<CheckinResult>) => void;
  "course:watch": (p: { courseId: string }, ack: Ack<{ courseId: string }>) => void;
  /** Who this socket is signed in as: /join shows "Ada Lovelace · not you?" without a request of its own. */
  "user:me": (p: object, ack: Ack<{ user: { id: string; name: string } }>) => void;
}

export interface SocketData {
  user: PublicUser;
  deviceId: string | null;
  /** A scan this browser held while signed out (SPEC §3), from the handshake's cookies. */
  heldScan: HeldScan | null;
  ip: string;
  userAgent: string | null;
}

export const rooms = {
  user: (id: string) => `user:${id}`,
  staff: (sessionId: string) => `session:${sessionId}:staff`,
  students: (sessionId: string) => `session:${sessionId}:students`,
  course: (courseId: string) => `course:${courseId}:staff`,
  /** Students' /join pages on a session: counted for `session:presence`. */
  presence: (sessionId: string) => `session:${sessionId}:join`,
};
