import type { DomainEvent } from "../events";
import { processSingleton } from "../process-store";
import { rooms } from "./events";
import type { RollcallServer } from "./io";

/**
 * `session:presence` (SPEC §9): how many distinct students have /join open on
 * a session right now. A phone's /join says which session it has open by
 * watching it with `presence: true` (see docs/DECISIONS.md); that puts its
 * socket in the session's presence room. This module counts the room's
 * sockets per student (two tabs are one phone), and tells the staff room when
 * the number changes, at most once a second.
 */

/**
 * Where the connections are kept. One process keeps them in memory; several
 * processes would share one store (Redis hashes per session, say) behind the
 * same four calls, with each connection id unique across processes.
 */
export interface PresenceStore {
  /** Connection `connectionId` of student `userId` has the session open. */
  add(sessionId: string, connectionId: string, userId: string): Promise<void>;
  /** That connection closed or left the session. */
  remove(sessionId: string, connectionId: string): Promise<void>;
  /** Distinct students with at least one connection on the session. */
  count(sessionId: string): Promise<number>;
  /** The session ended: forget it. */
  clear(sessionId: string): Promise<void>;
}

export function memoryPresenceStore(): PresenceStore {
  const bySession = new Map<string, Map<string, string>>();
  return {
    async add(sessionId, connectionId, userId) {
      let conns = bySession.get(sessionId);
      if (!conns) bySession.set(sessionId, (conns = new Map()));
      conns.set(connectionId, userId);
    },
    async remove(sessionId, connectionId) {
      const conns = bySession.get(sessionId);
      if (!conns) return;
      conns.delete(connectionId);
      if (conns.size === 0) bySession.delete(sessionId);
    },
    async count(sessionId) {
      const conns = bySession.get(sessionId);
      return conns ? new Set(conns.values()).size : 0;
    },
    async clear(sessionId) {
      bySession.delete(sessionId);
    },
  };
}

/** The process's store: the socket handler reads counts from it for a console's first paint. */
export function presenceStore(): PresenceStore {
  return processSingleton("realtime.presence", memoryPresenceStore);
}

const logFailure = (err: unknown) => console.error("[rollcall] presence", err);

const PRESENCE_ROOM = /^session:(.+):join$/;
const INTERVAL_MS = 1000;

type Pending = { timer: NodeJS.Timeout | null; lastSentAt: number; lastSent: number | null };

/**
 * Follows the presence rooms through the adapter's own join/leave events, so
 * every way a socket leaves (unwatch, disconnect, losing access through
 * `socketsLeave`) is counted without each path remembering to. Returns the
 * domain subscriber (a session's end forgets it) and `stop`.
 */
export function presenceTracker(io: RollcallServer, store: PresenceStore = presenceStore(), intervalMs = INTERVAL_MS) {
  const nsp = io.of("/");
  const pending = new Map<string, Pending>();

  const send = async (sessionId: string) => {
    const entry = pending.get(sessionId);
    if (!entry) return;
    entry.timer = null;
    const connected = await store.count(sessionId);
    if (connected === entry.lastSent) return;
    // Nobody ever counted (a leave after the session ended): nothing to tell, nothing to keep.
    if (connected === 0 && entry.lastSent === null) {
      pending.delete(sessionId);
      return;
    }
    entry.lastSent = connected;
    entry.lastSentAt = Date.now();
    io.to(rooms.staff(sessionId)).emit("session:presence", { sessionId, connected });
  };

  const changed = (sessionId: string) => {
    let entry = pending.get(sessionId);
    if (!entry) pending.set(sessionId, (entry = { timer: null, lastSentAt: 0, lastSent: null }));
    if (entry.timer) return;
    const wait = Math.max(0, entry.lastSentAt + intervalMs - Date.now());
    entry.timer = setTimeout(() => void send(sessionId).catch(logFailure), wait);
    entry.timer.unref?.();
  };

  const onJoin = (room: string, socketId: string) => {
    const m = PRESENCE_ROOM.exec(room);
    const userId = m ? nsp.sockets.get(socketId)?.data.user?.id : undefined;
    if (!m || !userId) return;
    store.add(m[1], socketId, userId).then(() => changed(m[1]), logFailure);
  };
  const onLeave = (room: string, socketId: string) => {
    const m = PRESENCE_ROOM.exec(room);
    if (!m) return;
    store.remove(m[1], socketId).then(() => changed(m[1]), logFailure);
  };
  nsp.adapter.on("join-room", onJoin);
  nsp.adapter.on("leave-room", onLeave);

  return {
    onEvent(event: DomainEvent): void {
      if (event.type !== "session.ended") return;
      const entry = pending.get(event.session.id);
      if (entry?.timer) clearTimeout(entry.timer);
      pending.delete(event.session.id);
      store.clear(event.session.id).catch(logFailure);
    },
    stop(): void {
      nsp.adapter.off("join-room", onJoin);
      nsp.adapter.off("leave-room", onLeave);
      for (const entry of pending.values()) if (entry.timer) clearTimeout(entry.timer);
      pending.clear();
    },
  };
}
