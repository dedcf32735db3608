import type { BroadcastOperator } from "socket.io";
import type { RollcallServer } from "./io";
import type { ServerToClientEvents } from "./events";

/**
 * The other processes and nodes serving the same Rollcall (SPEC §11).
 *
 * Facts (a check-in, a session's end) are heard only by the process that
 * committed them, and their socket events cross to every node through
 * Socket.IO's adapter. Events driven by a timer — the code's rotation,
 * `session:stats`, `session:presence` — are different: every node runs the
 * timer itself and emits to its own sockets only (`local`), so each console
 * hears exactly one per window from the node it is connected to, whichever
 * other node dies. The nodes only tell each other that something changed
 * (`signal`: "session X started, was regenerated, ended", "session X's
 * presence or counts moved"), over the adapter's server-side events, and each
 * reads what it needs from the database.
 *
 * One process alone (the default) has no peers: `local` is the whole server
 * and signals go nowhere.
 */
export type PeerTopic = "rotation" | "presence" | "stats";
const TOPICS = new Set<string>(["rotation", "presence", "stats"] satisfies PeerTopic[]);

export interface InterServerEvents {
  "rollcall:peer": (topic: PeerTopic, sessionId: string) => void;
}

export type Peers = {
  /** Other processes or nodes may exist: timer-driven events go to this node's sockets only. */
  readonly multi: boolean;
  /** Where timer-driven events go: this node's sockets in `room`. */
  local(room: string): BroadcastOperator<ServerToClientEvents, unknown>;
  /** Tells every other process or node that `sessionId` changed in the way `topic` names. */
  signal(topic: PeerTopic, sessionId: string): void;
  /** Hears other nodes' signals; returns the function that stops listening. */
  on(topic: PeerTopic, fn: (sessionId: string) => void): () => void;
};

export function peersOf(io: RollcallServer, multi: boolean): Peers {
  const listeners = new Map<PeerTopic, Set<(sessionId: string) => void>>();
  if (multi) {
    io.on("rollcall:peer", (topic: unknown, sessionId: unknown) => {
      if (typeof topic !== "string" || !TOPICS.has(topic) || typeof sessionId !== "string") return;
      for (const fn of listeners.get(topic as PeerTopic) ?? []) {
        try {
          fn(sessionId);
        } catch (err) {
          console.error(`[rollcall] peer signal ${topic} failed`, err);
        }
      }
    });
  }
  return {
    multi,
    local: (room) => (multi ? io.local.to(room) : io.to(room)) as BroadcastOperator<ServerToClientEvents, unknown>,
    signal(topic, sessionId) {
      if (!multi) return;
      try {
        io.serverSideEmit("rollcall:peer", topic, sessionId);
      } catch (err) {
        console.error(`[rollcall] could not signal ${topic} to the other nodes`, err);
      }
    },
    on(topic, fn) {
      let set = listeners.get(topic);
      if (!set) listeners.set(topic, (set = new Set()));
      set.add(fn);
      return () => void set.delete(fn);
    },
  };
}

/** A server alone: no peers. */
export function noPeers(io: RollcallServer): Peers {
  return peersOf(io, false);
}
