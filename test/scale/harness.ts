import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import { ensureBuildIn } from "@/bench/build";
import { startPostgres, type ThrowawayPostgres } from "../services/postgres";
import { startRedis, type ThrowawayRedis } from "../services/redis";

/**
 * Rollcall beyond one process, for real (SPEC §11): throwaway PostgreSQL and
 * Redis, and Rollcall nodes started from the production build exactly as an
 * operator starts them (`npm start`'s server/start.ts with DATABASE_URL,
 * REDIS_URL, PORT, WORKERS), each in its own process group so a test can kill
 * one with SIGKILL, or one of its workers. Used by the multi-node tests
 * (test/scale/), the kill trials (scripts/kill-trials.ts) and the deployment
 * example's test (docs/DEPLOY.md).
 */
export const ROOT = path.resolve(__dirname, "../..");

/** Whatever this runner started dies with it, however it ends. */
const cleanups = new Set<() => void>();
let exitHooked = false;
export function onRunnerExit(fn: () => void): () => void {
  if (!exitHooked) {
    exitHooked = true;
    process.once("exit", () => {
      for (const f of cleanups) f();
    });
  }
  cleanups.add(fn);
  return () => void cleanups.delete(fn);
}

/** The production build the nodes serve: `.next` (what `npm start` and the e2e suite build), rebuilt when stale. */
export function ensureProductionBuild(log: (line: string) => void = (l) => process.stderr.write(l + "\n")): string {
  const dist = process.env.SCALE_DIST_DIR || ".next";
  ensureBuildIn(dist, log, { cwd: ROOT });
  return dist;
}

export type Services = {
  postgres: ThrowawayPostgres | null;
  redis: ThrowawayRedis | null;
  /** A database of its own on the throwaway PostgreSQL. */
  databaseUrl: string | null;
  stop(): Promise<void>;
};

let databases = 0;

export async function startServices(opts: { postgres: boolean; redis: boolean; root?: string }): Promise<Services> {
  const root = opts.root ?? process.env.ROLLCALL_PG_ROOT;
  const postgres = opts.postgres ? await startPostgres({ root }) : null;
  let redis: ThrowawayRedis | null = null;
  try {
    redis = opts.redis ? await startRedis({ root }) : null;
  } catch (e) {
    postgres?.stop();
    throw e;
  }
  let databaseUrl: string | null = null;
  if (postgres) {
    const name = `rollcall_scale_${process.pid}_${++databases}`;
    const { default: pg } = await import("postgres");
    const admin = pg(postgres.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();
    databaseUrl = postgres.urlOf(name);
  }
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    if (redis) {
      try {
        process.kill(redis.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    postgres?.stop();
  };
  const unhook = onRunnerExit(stopNow);
  const stop = async () => {
    unhook();
    await redis?.stop();
    stopNow();
  };
  return { postgres, redis, databaseUrl, stop };
}

export type NodeOptions = {
  name: string;
  port: number;
  databaseUrl?: string | null;
  /** SQLite file (also where AUTH_SECRET would be kept; the nodes of one test share the secret below). */
  databasePath?: string;
  redisUrl?: string | null;
  workers?: number;
  authSecret: string;
  distDir: string;
  /** Behind a reverse proxy (nginx), or a test that plays many phones from one address. */
  trustProxy?: boolean;
  appUrl?: string;
  env?: Record<string, string>;
};

export type RollcallNode = {
  name: string;
  port: number;
  url: string;
  /** The process started: the single process, or the primary under WORKERS. */
  pid: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
  /** The worker processes under WORKERS (the primary's children), else []. */
  workerPids(): number[];
  kill(signal?: NodeJS.Signals): Promise<void>;
};

/** Settings a node would get from its operator; nothing of the test runner's own environment leaks in but PATH and the like. */
function nodeEnv(o: NodeOptions): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "LANG", "TMPDIR", "PG_BIN", "NODE_OPTIONS"];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return {
    ...env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(o.port),
    APP_URL: o.appUrl ?? `http://127.0.0.1:${o.port}`,
    AUTH_SECRET: o.authSecret,
    NEXT_DIST_DIR: o.distDir,
    NODE_NAME: o.name,
    DATABASE_PATH: o.databasePath ?? path.join(tmpdir(), `rollcall-scale-unused-${o.name}.db`),
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
    ...(o.workers ? { WORKERS: String(o.workers) } : {}),
    ...(o.trustProxy ? { TRUST_PROXY: "true" } : {}),
    ...(o.env ?? {}),
  };
}

/** Children of a process (Linux /proc). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // gone
  }
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** Starts `server/start.ts` (what `npm start` runs) and waits until /api/health answers 200. */
export async function startNode(o: NodeOptions, timeoutMs = 180_000): Promise<RollcallNode> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/start.ts"], {
    cwd: ROOT,
    env: nodeEnv(o),
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: killing the test runner's group does not reach it, and a node's workers die with the group.
    detached: true,
  });
  let out = "";
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${o.port}`;
  const node: RollcallNode = {
    name: o.name,
    port: o.port,
    url,
    pid: child.pid!,
    child,
    exited,
    output: () => out,
    workerPids: () => (o.workers && o.workers > 1 ? childPids(child.pid!).filter(isAlive) : []),
    async kill(signal = "SIGKILL") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        // The whole group: under WORKERS a SIGKILLed primary would otherwise leave its workers serving.
        process.kill(-child.pid!, signal);
      } catch {
        child.kill(signal);
      }
      await exited;
    },
  };
  // Nothing outlives the runner.
  const unhook = onRunnerExit(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  });
  void exited.then(unhook);
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void exited.then(() => (dead = true));
  while (Date.now() < deadline) {
    if (dead) throw new Error(`node ${o.name} exited before it was ready:\n${out}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) {
        // Under WORKERS every worker must be up, not just the first to answer.
        if (!o.workers || o.workers <= 1 || node.workerPids().length >= o.workers) return node;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await node.kill();
  throw new Error(`node ${o.name} was not ready within ${timeoutMs / 1000} s:\n${out}`);
}

export const newSecret = () => randomBytes(32).toString("base64url");

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---- which process holds a connection (Linux /proc, so the tests need no cooperation from the code under test)

function socketInodes(serverPort: number, clientPort: number): Set<string> {
  const inodes = new Set<string>();
  const hex = (p: number) => p.toString(16).toUpperCase().padStart(4, "0");
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const local = f[1].split(":").pop();
      const remote = f[2].split(":").pop();
      if (local === hex(serverPort) && remote === hex(clientPort)) inodes.add(f[9]);
    }
  }
  return inodes;
}

/** Which of `pids` holds the server end of the TCP connection from `clientPort` to `serverPort`, or null. */
export function connectionOwner(serverPort: number, clientPort: number, pids: number[]): number | null {
  const inodes = socketInodes(serverPort, clientPort);
  if (!inodes.size) return null;
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  return null;
}

// ---- clients

export type ClientSocket = Socket;

export type SocketOptions = {
  token: string;
  deviceId?: string;
  transports?: ("websocket" | "polling")[];
  /** The address this client plays (honoured by nodes with TRUST_PROXY). */
  address?: string;
  reconnection?: boolean;
};

export function openSocket(base: string, o: SocketOptions): ClientSocket {
  const headers: Record<string, string> = {};
  if (o.deviceId) headers.cookie = `rollcall_device=${o.deviceId}`;
  if (o.address) headers["x-forwarded-for"] = o.address;
  return connect(base, {
    path: "/socket.io",
    auth: { token: o.token },
    extraHeaders: headers,
    transports: o.transports ?? ["websocket"],
    reconnection: o.reconnection ?? false,
    forceNew: true,
    timeout: 10_000,
  });
}

export function connected(socket: ClientSocket, timeoutMs = 15_000): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("socket did not connect")), timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** The client's own port of the socket's WebSocket (to find which worker holds it). */
export function localPort(socket: ClientSocket): number | null {
  const transport = (socket.io.engine as unknown as { transport?: { ws?: { _socket?: { localPort?: number } } } }).transport;
  return transport?.ws?._socket?.localPort ?? null;
}

/** An acknowledged emit; rejects when the socket goes away or no answer comes within `timeoutMs`. */
export function ask<T = any>(socket: ClientSocket, event: string, payload: unknown, timeoutMs = 15_000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

export function nextEvent<T = any>(socket: ClientSocket, event: string, timeoutMs = 10_000, filter: (p: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, on);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (p: T) => {
      if (!filter(p)) return;
      clearTimeout(timer);
      socket.off(event, on);
      resolve(p);
    };
    socket.on(event, on);
  });
}

export async function api(base: string, method: string, p: string, o: { token?: string; body?: unknown; cookie?: string; address?: string } = {}) {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.cookie) headers.cookie = o.cookie;
  if (o.address) headers["x-forwarded-for"] = o.address;
  if (o.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(base + p, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body, headers: res.headers };
}
