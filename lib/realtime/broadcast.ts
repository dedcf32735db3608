import type { CodeDto, Counts, FlaggedDto, RecordDto, SessionDto } from "../attendance/types";
import { processSingleton } from "../global";
import { rooms, type EnrollmentEvent, type ServerToClientEvents } from "./events";
import { getIo } from "./io";

type EventName = keyof ServerToClientEvents;

/** A failed broadcast must never fail the request that caused it. */
function emit<E extends EventName>(room: string | string[], event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
  const io = getIo();
  if (!io) return;
  try {
    io.to(room).emit(event, ...args);
  } catch (err) {
    console.error(`[rollcall] broadcast ${event} failed`, err);
  }
}

/**
 * Side effects after a commit (timers, fan-out lists, emits): whatever fails
 * here is logged, never turned into an error reply for a change that is
 * already committed.
 */
export function afterCommit(what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error(`[rollcall] after-commit ${what} failed`, err);
  }
}

export function emitMarked(sessionId: string, record: RecordDto, counts: Counts): void {
  emit(rooms.staff(sessionId), "attendance:marked", { sessionId, record, counts });
  emit(rooms.user(record.studentId), "attendance:marked", { sessionId, record });
  scheduleStats(sessionId, counts);
}

export function emitFlagged(flag: FlaggedDto): void {
  emit(rooms.staff(flag.sessionId), "attendance:flagged", flag);
}

export function emitCode(sessionId: string, code: CodeDto): void {
  emit(rooms.staff(sessionId), "session:code", { sessionId, ...code });
}

export function emitStarted(session: SessionDto, studentIds: string[]): void {
  if (studentIds.length === 0) return;
  emit(studentIds.map(rooms.user), "session:started", { session, courseId: session.courseId, courseName: session.courseName });
}

/** Also to every approved student's own room, so dashboards drop their "Check in" banner without watching the session. */
export function emitEnded(sessionId: string, endedAt: string, counts: Counts, studentIds: string[] = []): void {
  emit([rooms.staff(sessionId), rooms.students(sessionId), ...studentIds.map(rooms.user)], "session:ended", { sessionId, endedAt, counts });
}

export function emitEnrollment(kind: "requested" | "updated", e: EnrollmentEvent): void {
  if (kind === "requested") emit(rooms.course(e.courseId), "enrollment:requested", e);
  else {
    emit(rooms.user(e.studentId), "enrollment:updated", e);
    emit(rooms.course(e.courseId), "enrollment:updated", e);
  }
}

// session:stats goes to every watching student: at most once a second per
// session, carrying the latest counts, however many check-ins happened.
const STATS_INTERVAL_MS = 1000;
type Pending = { counts: Counts; timer: NodeJS.Timeout | null; lastSentAt: number };
const pendingStats = () => processSingleton("realtime.stats", () => new Map<string, Pending>());

export function scheduleStats(sessionId: string, counts: Counts): void {
  const map = pendingStats();
  const entry = map.get(sessionId) ?? { counts, timer: null, lastSentAt: 0 };
  entry.counts = counts;
  map.set(sessionId, entry);
  if (entry.timer) return;
  const wait = Math.max(0, entry.lastSentAt + STATS_INTERVAL_MS - Date.now());
  entry.timer = setTimeout(() => {
    entry.timer = null;
    entry.lastSentAt = Date.now();
    emit(rooms.students(sessionId), "session:stats", { sessionId, counts: entry.counts });
  }, wait);
  entry.timer.unref?.();
}

export function clearStats(sessionId: string): void {
  const entry = pendingStats().get(sessionId);
  if (entry?.timer) clearTimeout(entry.timer);
  pendingStats().delete(sessionId);
}
