import type { Transaction } from "./db/database";
import type { Counts, FlaggedDto, RecordDto, SessionDto } from "./model/attendance";
import type { AttendanceStatus, EnrollmentStatus, StaffRole } from "./model/vocabulary";
import { processSingleton } from "./process-store";

/**
 * Facts the domain publishes after a commit. Services know nothing of
 * sockets, timers or caches: whoever needs to react (the broadcaster, code
 * rotation, the counts cache) subscribes, once, at server start.
 */
export type DomainEvent =
  /** `studentIds`: the course's approved students when it started, who hear about it. */
  | { type: "session.started"; session: SessionDto; studentIds: string[] }
  | { type: "session.ended"; session: SessionDto; counts: Counts; studentIds: string[] }
  /** The teacher regenerated the code: every earlier token and code is dead. */
  | { type: "session.codeChanged"; sessionId: string; courseId: string }
  | {
      type: "attendance.marked";
      courseId: string;
      sessionId: string;
      record: RecordDto;
      /** The session's counts as of this change's commit. */
      counts: Counts;
      /** The status before, or null when this is the student's first record in the session. */
      previous: AttendanceStatus | null;
      /** A student's own check-in, or a mark by staff. */
      via: "checkin" | "mark";
    }
  /**
   * A student's record was taken back (undo of "mark remaining"): they are "not yet" again. `counts` as of
   * this change's commit; `at` is when it was taken back.
   */
  | {
      type: "attendance.unmarked";
      courseId: string;
      sessionId: string;
      studentId: string;
      previous: AttendanceStatus;
      at: string;
      counts: Counts;
    }
  | { type: "attendance.flagged"; courseId: string; flag: FlaggedDto }
  | {
      type: "enrollment.changed";
      courseId: string;
      courseName: string;
      studentId: string;
      /** Present when the student asked (enroll code): staff see who it is. */
      student?: { id: string; name: string; email: string };
      from: EnrollmentStatus | null;
      to: EnrollmentStatus;
      /** The student asked to join (as opposed to staff changing the status). */
      requested: boolean;
    }
  /**
   * Something staff pages show changed: settings, the enroll code (the old one is dead), archived or
   * restored, roster invitations. `studentIds`: students whose own pages show the course (archive, restore).
   */
  | { type: "course.updated"; courseId: string; change: CourseChange; studentIds?: string[] }
  /**
   * A staff member was added, invited, changed role, removed, or an invitation was claimed. `from`/`to`
   * null mean "not staff"; `userId` is null while the row is an invitation.
   */
  | { type: "staff.changed"; courseId: string; memberId: string; userId: string | null; from: StaffRole | null; to: StaffRole | null }
  /**
   * Someone lost access to a course (removed from its staff; enrollment no longer approved). Transports
   * must stop telling them about it at once: `sessionIds` are the course's sessions, whose rooms they leave.
   */
  | { type: "access.revoked"; courseId: string; userId: string; as: "staff" | "student"; sessionIds: string[] }
  /** "Sign out everywhere": every session and token of this account issued until now is void; open sockets must close. */
  | { type: "account.sessionsRevoked"; userId: string }
  /** A class list was applied: these students are now enrolled (approved); `invited` e-mails wait for an account. */
  | { type: "roster.imported"; courseId: string; courseName: string; enrolledStudentIds: string[]; invited: number };

export const COURSE_CHANGES = ["settings", "enrollCode", "archived", "restored", "invitations"] as const;
export type CourseChange = (typeof COURSE_CHANGES)[number];

export type DomainEventType = DomainEvent["type"];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
export type Subscriber = (event: DomainEvent) => void | Promise<void>;

const subscribers = () => processSingleton("events.subscribers", () => new Set<Subscriber>());

/** Adds a subscriber; returns the function that removes it. Subscribers run in the order they were added. */
export function subscribe(fn: Subscriber): () => void {
  subscribers().add(fn);
  return () => void subscribers().delete(fn);
}

/** Delivers `event` once `tx` commits; a rollback drops it. */
export function publish(tx: Transaction, event: DomainEvent): void {
  tx.afterCommit(() => deliver(event));
}

/**
 * The one guard: a subscriber that throws or rejects is logged and skipped.
 * The change is committed by now, so nothing here may turn into an error
 * reply for the request that caused it.
 */
function deliver(event: DomainEvent): void {
  for (const fn of subscribers()) {
    try {
      const pending = fn(event);
      if (pending) pending.catch((err) => logFailure(event, err));
    } catch (err) {
      logFailure(event, err);
    }
  }
}

function logFailure(event: DomainEvent, err: unknown): void {
  console.error(`[rollcall] subscriber to ${event.type} failed`, err);
}
