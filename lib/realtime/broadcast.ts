import { getCounts } from "../attendance/counts";
import { loadSession } from "../attendance/sessions";
import type { DomainEvent } from "../events";
import type { Counts } from "../model/attendance";
import { processSingleton } from "../process-store";
import { rooms, type ServerToClientEvents } from "./events";
import type { RollcallServer } from "./io";
import { noPeers, type Peers } from "./peers";

type EventName = keyof ServerToClientEvents;

/**
 * Turns the domain's facts into Socket.IO events (SPEC §5). Subscribed once at
 * server start; failures are the event publisher's to log, never a request's.
 * Synchronous on purpose: clients hear changes in commit order, each with the
 * counts of its own commit.
 *
 * Facts' events cross to the sockets of other processes and nodes through
 * Socket.IO's adapter (the process that committed emits once). `session:stats`
 * is paced per node instead (lib/realtime/peers.ts): each node sends its own
 * students at most one a second, so a check-in burst spread over several nodes
 * does not multiply it; a node that committed tells the others, which count in
 * the database for their students.
 */
export function broadcaster(io: RollcallServer, peers: Peers = noPeers(io)) {
  const emit = <E extends EventName>(room: string | string[], event: E, ...args: Parameters<ServerToClientEvents[E]>) =>
    io.to(room).emit(event, ...args);
  const nsp = io.of("/");
  const sendStats = (sessionId: string, counts: Counts) => peers.local(rooms.students(sessionId)).emit("session:stats", { sessionId, counts });
  // Another node's check-in: counts as committed, read when the pacing allows (so they include everything since).
  const readCounts = async (sessionId: string): Promise<Counts> => {
    const { session } = await loadSession(sessionId);
    return getCounts(sessionId, session.courseId);
  };
  const stats = statsCoalescer(sendStats, readCounts, (sessionId) => peers.signal("stats", sessionId));
  peers.on("stats", (sessionId) => {
    // Nobody here watches the session as a student: nothing to send.
    if (nsp.adapter.rooms.has(rooms.students(sessionId))) stats.schedule(sessionId, null);
  });

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
      case "attendance.unmarked": {
        const { sessionId, studentId, at, counts } = event;
        emit([rooms.staff(sessionId), rooms.course(event.courseId)], "attendance:unmarked", { sessionId, studentId, at, counts });
        emit(rooms.user(studentId), "attendance:unmarked", { sessionId, studentId, at });
        stats.schedule(sessionId, counts);
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
      case "account.sessionsRevoked":
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
/**
 * `counts` null: another node committed last, so read them from the database
 * when sending. `dirty`: something changed since the last send began.
 * `signalled`: the other nodes were told since then (one signal per send is
 * enough: their next read covers every commit until it).
 */
type Pending = { counts: Counts | null; timer: NodeJS.Timeout | null; lastSentAt: number; dirty: boolean; signalled: boolean };

function statsCoalescer(
  send: (sessionId: string, counts: Counts) => void,
  read: (sessionId: string) => Promise<Counts>,
  tellPeers: (sessionId: string) => void,
) {
  const pending = processSingleton("realtime.stats", () => new Map<string, Pending>());
  const arm = (sessionId: string, entry: Pending) => {
    const wait = Math.max(0, entry.lastSentAt + STATS_INTERVAL_MS - Date.now());
    entry.timer = setTimeout(async () => {
      entry.lastSentAt = Date.now();
      entry.dirty = false;
      entry.signalled = false;
      try {
        // Reading may take a moment: the timer stays set meanwhile, so changes wait for the next send.
        const counts = entry.counts ?? (await read(sessionId));
        if (pending.get(sessionId) === entry) send(sessionId, counts);
      } catch (err) {
        console.error("[rollcall] session:stats could not count", err);
      }
      entry.timer = null;
      if (entry.dirty && pending.get(sessionId) === entry) arm(sessionId, entry);
    }, wait);
    entry.timer.unref?.();
  };
  return {
    /** `counts`: of a commit here (the newest there are); null: another node committed since. */
    schedule(sessionId: string, counts: Counts | null) {
      let entry = pending.get(sessionId);
      if (!entry) pending.set(sessionId, (entry = { counts, timer: null, lastSentAt: 0, dirty: false, signalled: false }));
      entry.counts = counts;
      entry.dirty = true;
      if (counts && !entry.signalled) {
        entry.signalled = true;
        tellPeers(sessionId);
      }
      if (!entry.timer) arm(sessionId, entry);
    },
    clear(sessionId: string) {
      const entry = pending.get(sessionId);
      if (entry?.timer) clearTimeout(entry.timer);
      pending.delete(sessionId);
    },
  };
}
