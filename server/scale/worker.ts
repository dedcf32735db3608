import cluster from "node:cluster";
import type { Server as HttpServer } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { RollcallServer } from "@/lib/realtime/io";
import { ipcCall, onIpcBroadcast } from "./ipc";
import { stickyPolling } from "./polling";

/**
 * A worker's part in WORKERS=<n> (server/scale/primary.ts); nothing in a
 * process of its own.
 */

/** Long-polling requests reach the worker holding their session: registers this worker's private port and follows the others'. */
export async function joinPolling(http: HttpServer | HttpsServer, io: RollcallServer): Promise<{ close(): Promise<void> } | null> {
  if (!cluster.isWorker) return null;
  const polling = await stickyPolling(http, io, cluster.worker!.id);
  const off = onIpcBroadcast("polling.ports", (ports) => polling.setPorts(ports as Record<string, number>));
  polling.setPorts(await ipcCall<Record<string, number>>("polling.register", polling.port));
  return {
    async close() {
      off();
      await polling.close();
    },
  };
}

/** Tells the primary this worker serves on `port` (it announces the address once every worker does). */
export async function announceReady(port: number): Promise<void> {
  if (cluster.isWorker) await ipcCall("worker.ready", port);
}
