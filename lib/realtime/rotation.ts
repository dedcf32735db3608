import { nextChangeAt, snapshot, type CodeSource } from "../attendance/codes";
import { activeSessions, loadSession } from "../attendance/sessions";
import { now } from "../clock";
import { getEnv } from "../env";
import type { DomainEvent } from "../events";
import { processSingleton } from "../process-store";
import { rooms } from "./events";
import type { RollcallServer } from "./io";
import { noPeers, type Peers } from "./peers";

/** With peers, how often each node compares its timers with the database's active sessions. */
export const ROTATION_RESYNC_MS = 10_000;

type Running = { source: CodeSource; timer: NodeJS.Timeout; startedAt: number };

/**
 * One timer per active session pushes `session:code` to the staff room at each
 * token or code boundary. Timers hold nothing that is not in the database, so
 * a restart (`resume`) picks up exactly where it was.
 *
 * With several processes or nodes (SPEC §11) every node runs the timers of
 * every active session and pushes to its own consoles only, so each console
 * gets exactly one `session:code` per window from the node it is on, whatever
 * happens to the others. A node that starts, regenerates or ends a session
 * tells the others (a peer signal); they read the session from the database
 * and push the new code to their consoles at once. Every ten seconds each node
 * also compares its timers with the database's active sessions, in case a
 * signal was lost (a node died between its commit and its signal). Codes only
 * move forward: a read older than what a timer already runs (a lower epoch)
 * changes nothing.
 */
export function codeRotation(io: RollcallServer, peers: Peers = noPeers(io)) {
  const running = processSingleton("realtime.rotation", () => new Map<string, Running>());
  let resyncTimer: NodeJS.Timeout | null = null;

  const push = (source: CodeSource) => {
    const { sessionId, ...code } = snapshot(source, getEnv().APP_URL, now());
    peers.local(rooms.staff(sessionId)).emit("session:code", { sessionId, ...code });
  };

  const schedule = (source: CodeSource) => {
    // A few ms past the boundary, so the snapshot is already in the new window.
    const delay = Math.max(50, nextChangeAt(source, now()) - now() + 15);
    const timer = setTimeout(() => {
      const entry = running.get(source.id);
      if (!entry || entry.source !== source) return;
      try {
        push(source);
      } catch (err) {
        console.error("[rollcall] code rotation push failed", err);
      }
      schedule(source);
    }, delay);
    timer.unref?.();
    const entry = running.get(source.id);
    if (entry && entry.source === source) entry.timer = timer;
    else running.set(source.id, { source, timer, startedAt: Date.now() });
  };

  const stop = (sessionId: string) => {
    clearTimeout(running.get(sessionId)?.timer);
    running.delete(sessionId);
  };

  const sameCodes = (a: CodeSource, b: CodeSource) =>
    a.codeEpoch === b.codeEpoch && a.codeAnchorAt === b.codeAnchorAt && a.rotationSeconds === b.rotationSeconds && a.codeRotationSeconds === b.codeRotationSeconds;

  /** Runs `source`'s timer unless it already runs (or a newer epoch does); `pushNow` tells the consoles at once when it changed. */
  const start = (source: CodeSource, pushNow: boolean) => {
    const current = running.get(source.id)?.source;
    if (current && (source.codeEpoch < current.codeEpoch || sameCodes(current, source))) return;
    stop(source.id);
    if (pushNow) push(source);
    schedule(source);
  };

  /** What the database says about one session now: run its timer, or stop it. */
  const follow = async (sessionId: string, pushNow: boolean) => {
    const { session } = await loadSession(sessionId);
    if (session.status === "active") start(session, pushNow);
    else stop(sessionId);
  };

  const resync = async () => {
    const asked = Date.now();
    const active = await activeSessions();
    const ids = new Set(active.map((s) => s.id));
    for (const s of active) start(s, true);
    // A session started after the question was asked may simply be missing from the answer.
    for (const [id, entry] of running) if (!ids.has(id) && entry.startedAt < asked) stop(id);
  };

  const offPeers = peers.on("rotation", (sessionId) => {
    follow(sessionId, true).catch((err) => {
      // A session another node just created may not be readable yet from here (it is, after its commit): log anything else.
      console.error("[rollcall] code rotation could not follow a peer", err);
    });
  });

  return {
    /** The subscriber: sessions start, regenerate and end. */
    async onEvent(event: DomainEvent): Promise<void> {
      switch (event.type) {
        case "session.started":
        case "session.codeChanged": {
          const sessionId = event.type === "session.started" ? event.session.id : event.sessionId;
          peers.signal("rotation", sessionId);
          await follow(sessionId, true);
          return;
        }
        case "session.ended":
          stop(event.session.id);
          peers.signal("rotation", event.session.id);
          return;
      }
    },
    /** At start: resume the rotation of every session still active in the database (and, with peers, keep checking). */
    async resume(): Promise<number> {
      const active = await activeSessions();
      for (const s of active) start(s, false);
      if (peers.multi && !resyncTimer) {
        resyncTimer = setInterval(() => void resync().catch((err) => console.error("[rollcall] code rotation resync failed", err)), ROTATION_RESYNC_MS);
        resyncTimer.unref?.();
      }
      return active.length;
    },
    stopAll(): void {
      offPeers();
      if (resyncTimer) clearInterval(resyncTimer);
      resyncTimer = null;
      for (const id of [...running.keys()]) stop(id);
    },
  };
}
