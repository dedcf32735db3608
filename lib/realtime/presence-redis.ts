import type { Redis } from "ioredis";
import type { PresenceStore } from "./presence";

/**
 * The presence count across nodes (SPEC §9, §11), in Redis.
 *
 * Each node keeps one hash per session, `…{session}:n:<node>` (connection id →
 * student id), and names itself in the session's set of nodes. Counting takes
 * the distinct students over the hashes of the nodes in that set, in one Lua
 * script (one round trip, atomic; the `{session}` hash tag keeps a session's
 * keys in one slot of a Redis Cluster).
 *
 * A node that dies cannot clean up, so its hashes expire: every node writes
 * its connections again every `heartbeatMs` and sets them to live `ttlSeconds`
 * — which also puts them back after a Redis restart. A node that stops
 * properly deletes its hashes at once (`close`).
 */
export type RedisPresenceOptions = {
  prefix: string;
  /** Unique per process: a random id, not the configurable NODE_NAME. */
  nodeId: string;
  ttlSeconds?: number;
  heartbeatMs?: number;
};

const COUNT = `
local nodes = redis.call('SMEMBERS', KEYS[1])
local seen = {}
local n = 0
for _, node in ipairs(nodes) do
  local users = redis.call('HVALS', ARGV[1] .. node)
  if #users == 0 then
    redis.call('SREM', KEYS[1], node)
  end
  for _, u in ipairs(users) do
    if not seen[u] then
      seen[u] = true
      n = n + 1
    end
  end
end
return n`;

const CLEAR = `
local nodes = redis.call('SMEMBERS', KEYS[1])
for _, node in ipairs(nodes) do
  redis.call('DEL', ARGV[1] .. node)
end
redis.call('DEL', KEYS[1])
return #nodes`;

type WithScripts = Redis & {
  rollcallPresenceCount(nodesKey: string, nodePrefix: string): Promise<number>;
  rollcallPresenceClear(nodesKey: string, nodePrefix: string): Promise<number>;
};

/** A session's set of nodes lives a day past its last write: long after any lecture. */
const NODES_TTL_SECONDS = 24 * 60 * 60;

export function redisPresenceStore(redis: Redis, opts: RedisPresenceOptions): PresenceStore {
  const ttl = opts.ttlSeconds ?? 30;
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  const r = redis as WithScripts;
  if (!("rollcallPresenceCount" in r)) {
    redis.defineCommand("rollcallPresenceCount", { numberOfKeys: 1, lua: COUNT });
    redis.defineCommand("rollcallPresenceClear", { numberOfKeys: 1, lua: CLEAR });
  }
  const nodesKey = (sessionId: string) => `${opts.prefix}presence:{${sessionId}}:nodes`;
  const nodePrefix = (sessionId: string) => `${opts.prefix}presence:{${sessionId}}:n:`;
  const mine = (sessionId: string) => nodePrefix(sessionId) + opts.nodeId;

  /** This node's connections per session, to write again at every heartbeat. */
  const local = new Map<string, Map<string, string>>();

  const heartbeat = async () => {
    if (local.size === 0) return;
    const batch = redis.multi();
    for (const [sessionId, conns] of local) {
      if (conns.size === 0) continue;
      batch.hset(mine(sessionId), Object.fromEntries(conns));
      batch.expire(mine(sessionId), ttl);
      batch.sadd(nodesKey(sessionId), opts.nodeId);
      batch.expire(nodesKey(sessionId), NODES_TTL_SECONDS);
    }
    await batch.exec();
  };
  const timer = setInterval(() => void heartbeat().catch(() => {}), heartbeatMs);
  timer.unref?.();

  return {
    async add(sessionId, connectionId, userId) {
      let conns = local.get(sessionId);
      if (!conns) local.set(sessionId, (conns = new Map()));
      conns.set(connectionId, userId);
      await redis
        .multi()
        .hset(mine(sessionId), connectionId, userId)
        .expire(mine(sessionId), ttl)
        .sadd(nodesKey(sessionId), opts.nodeId)
        .expire(nodesKey(sessionId), NODES_TTL_SECONDS)
        .exec();
    },
    async remove(sessionId, connectionId) {
      const conns = local.get(sessionId);
      conns?.delete(connectionId);
      if (conns && conns.size === 0) local.delete(sessionId);
      await redis.hdel(mine(sessionId), connectionId);
    },
    async count(sessionId) {
      return Number(await r.rollcallPresenceCount(nodesKey(sessionId), nodePrefix(sessionId)));
    },
    async clear(sessionId) {
      local.delete(sessionId);
      await r.rollcallPresenceClear(nodesKey(sessionId), nodePrefix(sessionId));
    },
    async close() {
      clearInterval(timer);
      const sessions = [...local.keys()];
      local.clear();
      if (sessions.length > 0) await redis.del(...sessions.map(mine));
    },
  };
}
