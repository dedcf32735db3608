import cluster from "node:cluster";
import { randomBytes } from "node:crypto";
import { createAdapter as createClusterAdapter } from "@socket.io/cluster-adapter";
import { createAdapter as createRedisAdapter } from "@socket.io/redis-adapter";
import type { ServerOptions } from "socket.io";
import { registerHealthCheck } from "@/lib/health";
import { clusterLimiterBackend, redisLimiterBackend } from "@/lib/limits/shared";
import { setLimiterBackend } from "@/lib/limits/store";
import { presenceStore, setPresenceStore } from "@/lib/realtime/presence";
import { redisPresenceStore } from "@/lib/realtime/presence-redis";
import { getRedis, newPublisher, newRedisConnection, REDIS_PREFIX } from "@/lib/redis";
import type { Env } from "@/lib/env";
import { ipcPresenceStore } from "./presence-ipc";

/**
 * How this process shares what must be shared (SPEC §11):
 * - `single`: one process alone (the default): memory, as before.
 * - `cluster`: a worker of WORKERS without Redis: Socket.IO's cluster adapter,
 *   rate limits and presence in the primary, all over the cluster's IPC.
 * - `redis`: REDIS_URL (one node or many, with or without WORKERS): Socket.IO's
 *   Redis adapter, rate limits and presence in Redis.
 * Held scans are signed cookies and the device rule a unique index: nothing
 * to share. The counts cache switches itself off (lib/db/client.ts isSoleWriter).
 */
export type ScaleMode = "single" | "cluster" | "redis";

export function scaleMode(env: Env): ScaleMode {
  if (env.REDIS_URL) return "redis";
  return cluster.isWorker ? "cluster" : "single";
}

export type Shared = {
  mode: ScaleMode;
  /** Socket.IO's adapter, or undefined for its in-memory one. */
  adapter: ServerOptions["adapter"] | undefined;
  /** Lets go of what this process holds in the shared stores (its phones in the presence count). */
  close(): Promise<void>;
};

/** Installs the shared stores for this process's mode; call before the server takes requests. */
export function installShared(env: Env): Shared {
  const mode = scaleMode(env);
  if (mode === "single") return { mode, adapter: undefined, close: async () => {} };

  if (mode === "cluster") {
    setLimiterBackend(clusterLimiterBackend());
    setPresenceStore(ipcPresenceStore());
    return {
      mode,
      adapter: createClusterAdapter(),
      close: async () => {
        await presenceStore().close?.();
        setPresenceStore(undefined);
      },
    };
  }

  const redis = getRedis()!;
  setLimiterBackend(redisLimiterBackend(redis, REDIS_PREFIX));
  setPresenceStore(redisPresenceStore(redis, { prefix: REDIS_PREFIX, nodeId: `${env.NODE_NAME}#${randomBytes(6).toString("hex")}` }));
  const undoHealth = registerHealthCheck("redis", async () => {
    await redis.ping();
  });
  const adapter = createRedisAdapter(newPublisher(), newRedisConnection("socket.io"), {
    key: `${REDIS_PREFIX}socket.io`,
    // Answers to one node's questions (fetchSockets, acks) go to that node alone.
    publishOnSpecificResponseChannel: true,
  });
  return {
    mode,
    adapter,
    close: async () => {
      undoHealth();
      await presenceStore().close?.();
      setPresenceStore(undefined);
    },
  };
}
