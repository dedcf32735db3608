import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A throwaway Redis for tests and benchmarks: `redis-server` from the machine's
 * packages (Debian: apt-get install redis-server) on a free loopback port, with
 * no persistence and its own folder, stopped and deleted with `stop()`.
 */
export type ThrowawayRedis = {
  url: string;
  port: number;
  pid: number;
  /** Stops it for good and removes its folder. */
  stop(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing answers, like a Redis that hangs. */
  pause(): void;
  resume(): void;
};

export const REDIS_MISSING = "redis-server not found: install it (Debian/Ubuntu: apt-get install redis-server) or set REDIS_SERVER";

/** The redis-server binary, or null when Redis is not installed. */
export function findRedisServer(): string | null {
  if (process.env.REDIS_SERVER) return existsSync(process.env.REDIS_SERVER) ? process.env.REDIS_SERVER : null;
  for (const dir of ["/usr/bin", "/usr/local/bin", ...(process.env.PATH ?? "").split(path.delimiter)]) {
    if (dir && existsSync(path.join(dir, "redis-server"))) return path.join(dir, "redis-server");
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** True when a Redis answers PING on the port. */
export function redisPing(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("error", () => done(false));
    s.once("connect", () => s.write("PING\r\n"));
    s.once("data", (d) => done(d.toString().startsWith("+PONG")));
  });
}

export async function startRedis(opts: { root?: string } = {}): Promise<ThrowawayRedis> {
  const bin = findRedisServer();
  if (!bin) throw new Error(REDIS_MISSING);
  const dir = mkdtempSync(path.join(opts.root ?? tmpdir(), "rollcall-redis-"));
  const log = path.join(dir, "redis.log");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // No snapshots, no append-only file: what a test run shares dies with it.
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--logfile", log, "--pidfile", path.join(dir, "redis.pid"), "--daemonize", "no"];
    const child = spawn(bin, args, { stdio: "ignore", detached: false });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    let up = false;
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      if (await redisPing(port)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    };
    if (up) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        pid: child.pid!,
        stop,
        pause: () => void child.kill("SIGSTOP"),
        resume: () => void child.kill("SIGCONT"),
      };
    }
    child.kill("SIGKILL");
    await exited;
    if (attempt >= 3) {
      const why = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").slice(-3).join(" | ") : "no log";
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Redis did not start: ${why}`);
    }
  }
}

/** Without redis-server, tests that need it skip, unless ROLLCALL_REQUIRE_REDIS=1 (CI), where that is a failure. */
export function redisAvailable(): boolean {
  if (findRedisServer()) return true;
  if (process.env.ROLLCALL_REQUIRE_REDIS === "1") throw new Error(`${REDIS_MISSING}; ROLLCALL_REQUIRE_REDIS=1, so this is a failure.`);
  console.warn(`SKIPPED the Redis tests: ${REDIS_MISSING}.`);
  return false;
}
