import { nextChangeAt, snapshot, type CodeSource } from "../attendance/codes";
import { activeSessions, loadSession } from "../attendance/sessions";
import { now } from "../clock";
import { getEnv } from "../env";
import type { DomainEvent } from "../events";
import { processSingleton } from "../process-store";
import { rooms } from "./events";
import type { RollcallServer } from "./io";

/**
 * One timer per active session pushes `session:code` to the staff room at each
 * token or code boundary. Timers hold nothing that is not in the database, so
 * a restart (`resume`) picks up exactly where it was.
 */
export function codeRotation(io: RollcallServer) {
  const timers = processSingleton("realtime.rotation", () => new Map<string, NodeJS.Timeout>());

  const push = (source: CodeSource) => {
    const { sessionId, ...code } = snapshot(source, getEnv().APP_URL, now());
    io.to(rooms.staff(sessionId)).emit("session:code", { sessionId, ...code });
  };

  const schedule = (source: CodeSource) => {
    // A few ms past the boundary, so the snapshot is already in the new window.
    const delay = Math.max(50, nextChangeAt(source, now()) - now() + 15);
    const timer = setTimeout(() => {
      if (!timers.has(source.id)) return;
      try {
        push(source);
      } catch (err) {
        console.error("[rollcall] code rotation push failed", err);
      }
      schedule(source);
    }, delay);
    timer.unref?.();
    timers.set(source.id, timer);
  };

  const stop = (sessionId: string) => {
    clearTimeout(timers.get(sessionId));
    timers.delete(sessionId);
  };

  const start = (source: CodeSource, pushNow: boolean) => {
    stop(source.id);
    if (pushNow) push(source);
    schedule(source);
  };

  return {
    /** The subscriber: sessions start, regenerate and end. */
    async onEvent(event: DomainEvent): Promise<void> {
      switch (event.type) {
        case "session.started":
        case "session.codeChanged": {
          const sessionId = event.type === "session.started" ? event.session.id : event.sessionId;
          const { session } = await loadSession(sessionId);
          if (session.status === "active") start(session, true);
          return;
        }
        case "session.ended":
          stop(event.session.id);
          return;
      }
    },
    /** At start: resume the rotation of every session still active in the database. */
    async resume(): Promise<number> {
      const active = await activeSessions();
      for (const s of active) start(s, false);
      return active.length;
    },
    stopAll(): void {
      for (const id of [...timers.keys()]) stop(id);
    },
  };
}
