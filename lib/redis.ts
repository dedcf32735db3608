import { Redis, type RedisOptions } from "ioredis";
import { getEnv } from "./env";
import { logLimited, suppressedNote } from "./log";
import { getProcessValue, processSingleton, setProcessValue } from "./process-store";
import { redactUrl } from "./redact-url";

/**
 * Redis, for what several nodes share (SPEC §11): Socket.IO's adapter, rate
 * limits, the presence count, the nodes' signals to each other. Only with
 * REDIS_URL; a single process or WORKERS on one machine need none of it.
 *
 * Every key Rollcall writes starts with `rollcall:`, so one Redis database
 * can hold other things too.
 */
export const REDIS_PREFIX = "rollcall:";

const KEY = "redis.clients";

/** Reconnects forever (backing off to 2 s); a command waits for at most one reconnection before it fails. */
const OPTIONS: RedisOptions = {
  connectTimeout: 5000,
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(times * 100, 2000),
  enableReadyCheck: true,
  // Socket.IO's adapter and our scripts assume a reply per command, in order.
  enableAutoPipelining: false,
};

/** The main connection's commands (rate limits, presence, health) and published events give up after this. */
export const COMMAND_TIMEOUT_MS = 2000;

type Clients = { url: string; main: Redis; extra: Redis[] };

/** A one-line reason why Redis could not be used, for the start-up error. */
export function describeRedisError(err: unknown, url: string): string {
  const e = err as { message?: string; code?: string } | null;
  return `cannot use Redis at ${redactUrl(url)}: ${e?.message || e?.code || String(err)}`;
}

/** A connection that logs its losses (once per ten minutes) and its recovery, instead of ioredis's "unhandled error" lines. */
function open(url: string, name: string, extra: RedisOptions = {}): Redis {
  const conn = new Redis(url, { ...OPTIONS, ...extra, connectionName: name });
  let lost = false;
  let everReady = false;
  conn.on("error", (err: Error) => {
    // Before the first connection, the start-up check (redisReady) says it in one line.
    if (!everReady) return;
    lost = true;
    logLimited(`redis:${name}`, (n) => console.error(`[rollcall] Redis (${name}): ${err.message}${suppressedNote(n)}`));
  });
  conn.on("ready", () => {
    everReady = true;
    if (!lost) return;
    lost = false;
    console.log(`[rollcall] Redis (${name}): connected again`);
  });
  return conn;
}

function clients(): Clients | null {
  const url = getEnv().REDIS_URL;
  if (!url) return null;
  const existing = getProcessValue<Clients>(KEY);
  if (existing && existing.url === url) return existing;
  // A Redis that hangs must not hang a check-in: its commands fail after 2 s, and rate limits fall back to memory.
  return processSingleton(KEY, () => ({ url, main: open(url, "rollcall", { commandTimeout: COMMAND_TIMEOUT_MS }), extra: [] }));
}

/** This process's Redis connection, or null without REDIS_URL. */
export function getRedis(): Redis | null {
  return clients()?.main ?? null;
}

/**
 * Another connection to the same Redis, for a subscriber (a connection in
 * subscribed mode can do nothing else). Closed with the others.
 */
export function newRedisConnection(name: string, extra: RedisOptions = {}): Redis {
  const c = clients();
  if (!c) throw new Error("REDIS_URL is not set");
  const conn = open(c.url, `rollcall-${name}`, extra);
  c.extra.push(conn);
  return conn;
}

/**
 * Resolves once Redis answers a PING, rejects with the reason otherwise (after
 * `timeoutMs`): the server awaits this at start to fail with one clear line.
 */
export async function redisReady(timeoutMs = 10_000): Promise<void> {
  const redis = getRedis();
  if (!redis) return;
  let timer: NodeJS.Timeout | undefined;
  let lastError: unknown = null;
  const onError = (err: unknown) => void (lastError = err);
  redis.on("error", onError);
  try {
    await Promise.race([
      // The connection's own error ("connect ECONNREFUSED …") says more than "max retries reached".
      redis.ping().catch((err) => Promise.reject(lastError ?? err)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(lastError ?? new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    redis.off("error", onError);
  }
}

/** Closes every Redis connection of this process (shutdown, tests). */
export async function closeRedis(): Promise<void> {
  const c = getProcessValue<Clients>(KEY);
  if (!c) return;
  setProcessValue(KEY, undefined);
  await Promise.all([c.main, ...c.extra].map((r) => r.quit().catch(() => r.disconnect())));
}

/**
 * A connection for Socket.IO's Redis adapter to publish on. The adapter does
 * not wait for PUBLISH's answer, so a failure (Redis away or hanging) would be
 * an unhandled rejection, which stops a Node process: here it is logged
 * instead (the event is lost for the other nodes; their consoles catch up
 * from the database when they reconnect or ask again).
 */
export function newPublisher(): Redis {
  const pub = newRedisConnection("socket.io-pub", { commandTimeout: COMMAND_TIMEOUT_MS });
  const publish = pub.publish.bind(pub) as (...args: unknown[]) => Promise<number>;
  (pub as unknown as { publish: (...args: unknown[]) => Promise<number | null> }).publish = (...args) =>
    publish(...args).catch((err: Error) => {
      logLimited("redis:publish", (n) => console.error(`[rollcall] Redis: an event could not reach the other nodes: ${err.message}${suppressedNote(n)}`));
      return null;
    });
  return pub;
}
