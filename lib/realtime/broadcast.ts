import type { DomainEvent } from "../events";
import type { Counts } from "../model/attendance";
import { processSingleton } from "../process-store";
import { rooms, type ServerToClientEvents } from "./events";
import type { RollcallServer } from "./io";

type EventName = keyof ServerToClientEvents;

/**
 * Turns the domain's facts into Socket.IO events (SPEC §5). Subscribed once at
 * server start; failures are the event publisher's to log, never a request's.
 * Synchronous on purpose: clients hear changes in commit order, each with the
 * counts of its own commit.
 */
export function broadcaster(io: RollcallServer) {
  const emit = <E extends EventName>(room: string | string[], event: E, ...args: Parameters<ServerToClientEvents[E]>) =>
    io.to(room).emit(event, ...args);
  const stats = statsCoalescer((sessionId, counts) => emit(rooms.students(sessionId), "session:stats", { sessionId, counts }));

  return (event: DomainEvent): void => {
    switch (event.type) {
      case "attendance.marked": {
        const { counts } = event;
        // Staff watching the session or the whole course (history and report pages, SPEC §9): one emit,
        // so a socket in both rooms hears it once. Both rooms are joined by staff only.
        emit([rooms.staff(event.sessionId), rooms.course(event.courseId)], "attendance:marked", { sessionId: event.sessionId, record: event.record, counts });
        // The student hears about their own record only, never the counts' neighbours.
        emit(rooms.user(event.record.studentId), "attendance:marked", { sessionId: event.sessionId, record: event.record });
        stats.schedule(event.sessionId, counts);
        return;
      }
      case "attendance.flagged":
        emit(rooms.staff(event.flag.sessionId), "attendance:flagged", event.flag);
        return;
      case "session.started": {
        const { session, studentIds } = event;
        emit([rooms.course(session.courseId), ...studentIds.map(rooms.user)], "session:started", {
          session,
          courseId: session.courseId,
          courseName: session.courseName,
        });
        return;
      }
      case "session.ended": {
        const { session, counts, studentIds } = event;
        stats.clear(session.id);
        // Also every approved student's own room, so a dashboard's "Check in" banner goes without watching the session.
        emit([rooms.staff(session.id), rooms.students(session.id), rooms.course(session.courseId), ...studentIds.map(rooms.user)], "session:ended", {
          sessionId: session.id,
          endedAt: session.endedAt!,
          counts,
        });
        return;
      }
      case "enrollment.changed": {
        const payload = { courseId: event.courseId, courseName: event.courseName, student: event.student, studentId: event.studentId, status: event.to };
        // Staff watching the course see requests (and auto-approved joins) arrive live.
        if (event.requested) emit(rooms.course(event.courseId), "enrollment:requested", payload);
        if (!event.requested || event.to === "approved") {
          emit(rooms.user(event.studentId), "enrollment:updated", payload);
          emit(rooms.course(event.courseId), "enrollment:updated", payload);
        }
        return;
      }
      case "session.codeChanged":
        return; // code rotation pushes the new code
      case "course.updated":
        // Archive and restore also reach the course's students, whose dashboards list it.
        emit([rooms.course(event.courseId), ...(event.studentIds ?? []).map(rooms.user)], "course:updated", { courseId: event.courseId, change: event.change });
        return;
      case "staff.changed": {
        // The person concerned hears it too: the course appears on (or leaves) their dashboard.
        const to = [rooms.course(event.courseId), ...(event.userId ? [rooms.user(event.userId)] : [])];
        emit(to, "course:updated", { courseId: event.courseId, change: "staff" });
        return;
      }
      case "roster.imported":
        emit(rooms.course(event.courseId), "course:updated", { courseId: event.courseId, change: "roster" });
        for (const studentId of event.enrolledStudentIds) {
          emit(rooms.user(studentId), "enrollment:updated", { courseId: event.courseId, courseName: event.courseName, studentId, status: "approved" });
        }
        return;
      case "access.revoked":
        return; // lib/realtime/access.ts
      default:
        // Every fact is handled above: a new one must be decided here too.
        event satisfies never;
    }
  };
}

// session:stats goes to every watching student at most once a second per
// session, carrying the latest counts however many check-ins happened.
const STATS_INTERVAL_MS = 1000;
type Pending = { counts: Counts; timer: NodeJS.Timeout | null; lastSentAt: number };

function statsCoalescer(send: (sessionId: string, counts: Counts) => void) {
  const pending = processSingleton("realtime.stats", () => new Map<string, Pending>());
  return {
    schedule(sessionId: string, counts: Counts) {
      const entry = pending.get(sessionId) ?? { counts, timer: null, lastSentAt: 0 };
      entry.counts = counts;
      pending.set(sessionId, entry);
      if (entry.timer) return;
      const wait = Math.max(0, entry.lastSentAt + STATS_INTERVAL_MS - Date.now());
      entry.timer = setTimeout(() => {
        entry.timer = null;
        entry.lastSentAt = Date.now();
        send(sessionId, entry.counts);
      }, wait);
      entry.timer.unref?.();
    },
    clear(sessionId: string) {
      const entry = pending.get(sessionId);
      if (entry?.timer) clearTimeout(entry.timer);
      pending.delete(sessionId);
    },
  };
}
