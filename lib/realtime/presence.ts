import type { DomainEvent } from "../events";
import { processSingleton, setProcessValue } from "../process-store";
import { rooms } from "./events";
import type { RollcallServer } from "./io";
import { noPeers, type Peers } from "./peers";

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
 * share one store behind the same four calls, with each connection id unique
 * across processes (Socket.IO's socket ids are random): the cluster's
 * primary for WORKERS (server/scale/presence-ipc.ts), Redis across nodes
 * (presence-redis.ts).
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
  /** This process stops: its connections go (a shared store forgets them; the others count without them). */
  close?(): Promise<void>;
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

/** Installs a store every process shares (WORKERS, REDIS_URL) before the server starts; undefined goes back to memory. */
export function setPresenceStore(store: PresenceStore | undefined): void {
  setProcessValue("realtime.presence", store);
}

const logFailure = (err: unknown) => console.error("[rollcall] presence", err);

const PRESENCE_ROOM = /^session:(.+):join$/;
const STAFF_ROOM = /^session:(.+):staff$/;
const INTERVAL_MS = 1000;
/** With peers: how often a node counts again for its consoles, so a node that died without a word is noticed. */
export const PRESENCE_SWEEP_MS = 5000;

type Pending = { timer: NodeJS.Timeout | null; lastSentAt: number; lastSent: number | null; tellPeers: boolean };

/**
 * Follows the presence rooms through the adapter's own join/leave events, so
 * every way a socket leaves (unwatch, disconnect, losing access through
 * `socketsLeave`) is counted without each path remembering to. Returns the
 * domain subscriber (a session's end forgets it) and `stop`.
 *
 * With peers (SPEC §11) the store is shared, and each node tells its own
 * consoles (`peers.local`): a node whose phones came or went counts, tells
 * its consoles, and signals the others, which count for theirs. Each node
 * sends at most once a second, and only a number its consoles have not heard.
 * Every few seconds each node also counts again for the sessions its consoles
 * watch, which notices the phones of a node that died.
 */
export function presenceTracker(io: RollcallServer, store: PresenceStore = presenceStore(), intervalMs = INTERVAL_MS, peers: Peers = noPeers(io)) {
  const nsp = io.of("/");
  const pending = new Map<string, Pending>();
  let sweepTimer: NodeJS.Timeout | null = null;

  const send = async (sessionId: string) => {
    const entry = pending.get(sessionId);
    if (!entry) return;
    entry.timer = null;
    if (entry.tellPeers) {
      entry.tellPeers = false;
      peers.signal("presence", sessionId);
    }
    // With peers, a node without consoles on the session has nobody to tell.
    if (peers.multi && !nsp.adapter.rooms.has(rooms.staff(sessionId))) {
      pending.delete(sessionId);
      return;
    }
    const connected = await store.count(sessionId);
    if (connected === entry.lastSent) return;
    // Nobody ever counted (a leave after the session ended): nothing to tell, nothing to keep.
    if (connected === 0 && entry.lastSent === null) {
      pending.delete(sessionId);
      return;
    }
    entry.lastSent = connected;
    entry.lastSentAt = Date.now();
    peers.local(rooms.staff(sessionId)).emit("session:presence", { sessionId, connected });
  };

  /** Counts again soon (at most once a second); `tellPeers`: this node's phones changed, the others must count too. */
  const changed = (sessionId: string, tellPeers: boolean) => {
    if (!tellPeers && peers.multi && !nsp.adapter.rooms.has(rooms.staff(sessionId)) && !pending.has(sessionId)) return;
    let entry = pending.get(sessionId);
    if (!entry) pending.set(sessionId, (entry = { timer: null, lastSentAt: 0, lastSent: null, tellPeers: false }));
    if (tellPeers) entry.tellPeers = true;
    if (entry.timer) return;
    const wait = Math.max(0, entry.lastSentAt + intervalMs - Date.now());
    entry.timer = setTimeout(() => void send(sessionId).catch(logFailure), wait);
    entry.timer.unref?.();
  };

  const onJoin = (room: string, socketId: string) => {
    const m = PRESENCE_ROOM.exec(room);
    const userId = m ? nsp.sockets.get(socketId)?.data.user?.id : undefined;
    if (!m || !userId) return;
    store.add(m[1], socketId, userId).then(() => changed(m[1], true), logFailure);
  };
  const onLeave = (room: string, socketId: string) => {
    const m = PRESENCE_ROOM.exec(room);
    if (!m) return;
    store.remove(m[1], socketId).then(() => changed(m[1], true), logFailure);
  };
  nsp.adapter.on("join-room", onJoin);
  nsp.adapter.on("leave-room", onLeave);
  const offPeers = peers.on("presence", (sessionId) => changed(sessionId, false));

  if (peers.multi) {
    sweepTimer = setInterval(() => {
      for (const room of nsp.adapter.rooms.keys()) {
        const m = STAFF_ROOM.exec(room);
        if (m) changed(m[1], false);
      }
    }, PRESENCE_SWEEP_MS);
    sweepTimer.unref?.();
  }

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
      offPeers();
      if (sweepTimer) clearInterval(sweepTimer);
      sweepTimer = null;
      for (const entry of pending.values()) if (entry.timer) clearTimeout(entry.timer);
      pending.clear();
    },
  };
}
