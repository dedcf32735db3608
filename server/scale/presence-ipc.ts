import cluster from "node:cluster";
import type { PresenceStore } from "@/lib/realtime/presence";
import { ipcCall, ipcServe } from "./ipc";

/**
 * The presence count for WORKERS without Redis: the primary keeps every
 * worker's connections (it outlives them), and forgets a worker's the moment
 * it exits, so a worker that dies takes its phones out of the count; the
 * other workers notice at their next sweep (lib/realtime/presence.ts).
 */
export function presencePrimary(): void {
  // session → connection → [student, worker]
  const bySession = new Map<string, Map<string, [string, number]>>();
  const str = (v: unknown) => (typeof v === "string" ? v : "");

  ipcServe("presence.add", ([sessionId, connectionId, userId], worker) => {
    let conns = bySession.get(str(sessionId));
    if (!conns) bySession.set(str(sessionId), (conns = new Map()));
    conns.set(str(connectionId), [str(userId), worker.id]);
  });
  ipcServe("presence.remove", ([sessionId, connectionId]) => {
    const conns = bySession.get(str(sessionId));
    conns?.delete(str(connectionId));
    if (conns?.size === 0) bySession.delete(str(sessionId));
  });
  ipcServe("presence.count", ([sessionId]) => {
    const conns = bySession.get(str(sessionId));
    return conns ? new Set([...conns.values()].map(([userId]) => userId)).size : 0;
  });
  ipcServe("presence.clear", ([sessionId]) => void bySession.delete(str(sessionId)));

  const forgetWorker = (workerId: number) => {
    for (const [sessionId, conns] of bySession) {
      for (const [id, [, owner]] of conns) if (owner === workerId) conns.delete(id);
      if (conns.size === 0) bySession.delete(sessionId);
    }
  };
  ipcServe("presence.close", (_, worker) => forgetWorker(worker.id));
  cluster.on("exit", (worker) => forgetWorker(worker.id));
}

/** A worker's view of the primary's count. */
export function ipcPresenceStore(): PresenceStore {
  return {
    add: (sessionId, connectionId, userId) => ipcCall("presence.add", sessionId, connectionId, userId),
    remove: (sessionId, connectionId) => ipcCall("presence.remove", sessionId, connectionId),
    count: (sessionId) => ipcCall<number>("presence.count", sessionId),
    clear: (sessionId) => ipcCall("presence.clear", sessionId),
    close: () => ipcCall("presence.close"),
  };
}
