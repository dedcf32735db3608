import type { Redis } from "ioredis";
import { RateLimiterCluster, RateLimiterClusterMaster, RateLimiterRedis } from "rate-limiter-flexible";
import type { LimiterBackend } from "./store";

/**
 * Rate-limit counters every process sees (SPEC §11: limits hold across
 * processes and nodes), installed with `setLimiterBackend` at start.
 */

/**
 * Across nodes: counters in Redis (rate-limiter-flexible's atomic Lua
 * increment). When Redis does not answer, each process falls back to its own
 * memory counters until it does (`failOpen` in ./store.ts): limits then hold
 * per process for a while, and check-ins and sign-ins keep working.
 */
export function redisLimiterBackend(redis: Redis, prefix: string): LimiterBackend {
  return (o) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}${o.keyPrefix}`,
      points: o.points,
      duration: o.duration,
      // Fail at once while Redis is away rather than queue the command: makeLimiter's fallback answers meanwhile.
      rejectIfRedisNotReady: true,
    });
}

/**
 * WORKERS on one machine without Redis: the counters live in the primary
 * process (`clusterLimiterPrimary`), and each worker asks it over the cluster's
 * IPC channel. The primary outlives its workers, so a worker that dies
 * forgets nothing. A primary too busy to answer within `timeoutMs` is a
 * failing store: the worker counts in its own memory meanwhile (./store.ts).
 */
export function clusterLimiterBackend(): LimiterBackend {
  return (o) => new RateLimiterCluster({ keyPrefix: o.keyPrefix, points: o.points, duration: o.duration, timeoutMs: 5000 });
}

/** In the cluster's primary, before the workers start. */
export function clusterLimiterPrimary(): void {
  new RateLimiterClusterMaster();
}
