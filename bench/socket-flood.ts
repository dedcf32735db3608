import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import { ensureBuild, BENCH_DIST_DIR } from "./build";
import { freePort, startChild } from "./child";

/**
 * Issue 11, item 11: what one flooding staff socket does to everyone else.
 * Starts the production server (as the lecture-hall bench does), samples
 * GET /api/health one request at a time, first at rest, then while one
 * teacher's socket fires `session:watch` as fast as it can (reconnecting
 * whenever it is cut off). Runs twice: with the event limits on, and with
 * every limit off (how the server behaved before). Prints latency figures;
 * never fails on them.
 *
 *   npx tsx bench/socket-flood.ts [--students 300] [--burst 2000] [--seconds 5]
 */
const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const STUDENTS = arg("students", 300);
const BURST = arg("burst", 2000);
const SECONDS = arg("seconds", 5);

type Figures = { n: number; p50: number; p95: number; max: number };

function figures(ms: number[]): Figures {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, p50: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}

async function sampleHealth(url: string, untilMs: number): Promise<number[]> {
  const out: number[] = [];
  while (performance.now() < untilMs) {
    const t = performance.now();
    const res = await fetch(`${url}/api/health`);
    await res.arrayBuffer();
    out.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 10));
  }
  return out;
}

async function json(url: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const res = await fetch(url, {
    method: init.method ?? (init.body ? "POST" : "GET"),
    headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return (await res.json()) as any;
}

async function run(limits: "on" | "off") {
  const dir = mkdtempSync(path.join(tmpdir(), "rollcall-flood-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild("rollcall-server.ts", {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: BENCH_DIST_DIR,
    DATABASE_PATH: path.join(dir, "rollcall.db"),
    PORT: String(port),
    APP_URL: url,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    BENCH_STUDENTS: String(STUDENTS),
    BENCH_ROSTER: path.join(dir, "roster.json"),
    BENCH_LIMITS: limits,
  });
  try {
    const { roster } = child;
    const { token } = await json(`${url}/api/token`, { body: { email: roster.teacher.email, password: roster.teacher.password } });
    const { session } = await json(`${url}/api/courses/${roster.courseId}/sessions`, { body: {}, token });
    // Warm up: the first requests compile nothing in production, but caches fill.
    await sampleHealth(url, performance.now() + 500);
    const rest = await sampleHealth(url, performance.now() + SECONDS * 1000);

    let stop = false;
    let sent = 0;
    let served = 0;
    let limited = 0;
    let disconnects = 0;
    const flood = async () => {
      while (!stop) {
        const s: Socket = connect(url, { path: "/socket.io", transports: ["websocket"], auth: { token }, reconnection: false, forceNew: true });
        const open = await new Promise<boolean>((resolve) => {
          s.once("connect", () => resolve(true));
          s.once("connect_error", () => resolve(false));
        });
        if (!open) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        const gone = new Promise<void>((resolve) => s.once("disconnect", () => resolve()));
        for (let i = 0; i < BURST && s.connected && !stop; i++) {
          sent++;
          s.emit("session:watch", { sessionId: session.id }, (reply: { ok: boolean; error?: { code: string } }) => {
            if (reply.ok) served++;
            else if (reply.error?.code === "rate_limited") limited++;
          });
        }
        await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
        if (!s.connected) disconnects++;
        s.disconnect();
      }
    };
    const flooding = flood();
    const during = await sampleHealth(url, performance.now() + SECONDS * 1000);
    stop = true;
    await flooding;
    return { limits, rest: figures(rest), during: figures(during), sent, served, limited, disconnects };
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  ensureBuild((line) => console.error(line));
  const results = [];
  for (const limits of ["on", "off"] as const) results.push(await run(limits));
  const f = (x: Figures) => `p50 ${x.p50.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms, max ${x.max.toFixed(1)} ms (${x.n} requests)`;
  for (const r of results) {
    console.log(`limits ${r.limits}:`);
    console.log(`  /api/health at rest:         ${f(r.rest)}`);
    console.log(`  /api/health during a flood:  ${f(r.during)}`);
    console.log(`  flood: ${r.sent} session:watch sent, ${r.served} served, ${r.limited} rate_limited, ${r.disconnects} disconnects`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
