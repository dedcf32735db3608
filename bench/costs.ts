import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/events";
import { ensureBuild, BENCH_DIST_DIR } from "./build";
import { freePort, startChild, type ServerChild } from "./child";
import { phoneAgent, request } from "./http";
import { STATS_PATH, type ServerStats } from "./server-stats";

/**
 * `npx tsx bench/costs.ts [rollcall|floor] [N]`: the server's CPU time per
 * operation, one kind of operation at a time with a few in flight, so no queue
 * forms. CPU per operation depends far less on how busy the machine is than
 * latency does, which makes it the figure to compare across changes.
 */
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const IN_FLIGHT = 8;

async function pool<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function measure(url: string, label: string, count: number, fn: () => Promise<void>): Promise<void> {
  await request(`${url}${STATS_PATH}?reset=1`);
  await fn();
  const s = (await request(`${url}${STATS_PATH}`)).json as ServerStats;
  const cpu = (s.cpuUserMs + s.cpuSystemMs) / count;
  console.log(`${label.padEnd(28)} ${String(count).padStart(5)} ×   ${cpu.toFixed(2).padStart(6)} ms CPU each   (event-loop delay p99 ${s.eventLoopDelayP99Ms.toFixed(1)} ms)`);
}

function connect(url: string, token: string): Promise<ClientSocket> {
  const s: ClientSocket = io(url, { transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

async function start(which: string, n: number, dir: string): Promise<{ child: ServerChild; teacherToken: string; sessionId: string }> {
  const port = await freePort();
  if (which === "floor") {
    writeFileSync(path.join(dir, "join.html"), "x".repeat(9_578)); // the size of Rollcall's /join when this was written
    const child = await startChild("floor-server.ts", {
      DATABASE_PATH: path.join(dir, "floor.db"),
      PORT: String(port),
      BENCH_STUDENTS: String(n),
      BENCH_ROSTER: path.join(dir, "roster.json"),
      BENCH_JOIN_FILE: path.join(dir, "join.html"),
    });
    return { child, teacherToken: child.roster.teacher.token!, sessionId: child.roster.sessionId! };
  }
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild("rollcall-server.ts", {
    NODE_ENV: "production",
    NEXT_DIST_DIR: BENCH_DIST_DIR,
    DATABASE_PATH: path.join(dir, "rollcall.db"),
    PORT: String(port),
    APP_URL: url,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    BENCH_STUDENTS: String(n),
    BENCH_ROSTER: path.join(dir, "roster.json"),
  });
  const { email, password } = child.roster.teacher;
  const teacherToken = ((await request(`${url}/api/token`, { method: "POST", body: { email, password } })).json as { token: string }).token;
  const started = await request(`${url}/api/courses/${child.roster.courseId}/sessions`, { method: "POST", headers: { authorization: `Bearer ${teacherToken}` }, body: {} });
  return { child, teacherToken, sessionId: (started.json as { session: { id: string } }).session.id };
}

async function main() {
  const which = process.argv[2] === "floor" ? "floor" : "rollcall";
  const n = Math.max(2, Number(process.argv[3] ?? 1000));
  if (which === "rollcall") ensureBuild((line) => console.error(line));
  const dir = mkdtempSync(path.join(os.tmpdir(), "rollcall-costs-"));
  const { child, teacherToken, sessionId } = await start(which, n, dir);
  const url = child.ready.url;
  const tokens = child.roster.students.map((s) => s.token);
  const agent = phoneAgent();
  try {
    const teacher = await connect(url, teacherToken);
    const watch = await teacher.emitWithAck("session:watch", { sessionId });
    let live = watch.ok && "code" in watch && watch.code ? watch.code.token : "";
    teacher.on("session:code", (p) => (live = p.token));
    // Warm both routes, as a server that has been up a while has.
    await request(`${url}/join`, { headers: { "accept-encoding": "gzip" } });
    await request(`${url}/api/checkin`, { method: "POST", headers: { authorization: `Bearer ${teacherToken}` }, body: {} });

    const all = tokens.map((_, i) => i);
    const half = Math.floor(n / 2);
    console.log(`${which}: server CPU per operation, ${IN_FLIGHT} in flight`);
    await measure(url, "GET /join (gzip)", n, () => pool(all, async () => void (await request(`${url}/join`, { agent, headers: { "accept-encoding": "gzip" } }))));
    await measure(url, "GET /join (identity)", n, () => pool(all, async () => void (await request(`${url}/join`, { agent }))));
    const sockets: ClientSocket[] = [];
    await measure(url, "socket handshake", n, () => pool(all, async (i) => void (sockets[i] = await connect(url, tokens[i]))));
    await measure(url, "session:watch (student)", n, () =>
      pool(all, async (i) => {
        const r = await sockets[i].emitWithAck("session:watch", { sessionId });
        if (!r.ok) throw new Error(`watch: ${r.error.code}`);
      }),
    );
    await measure(url, "attendance:checkin (socket)", half, () =>
      pool(all.slice(0, half), async (i) => {
        const r = await sockets[i].emitWithAck("attendance:checkin", { token: live });
        if (!r.ok) throw new Error(`checkin: ${r.error.code}`);
      }),
    );
    await measure(url, "POST /api/checkin", n - half, () =>
      pool(all.slice(half), async (i) => {
        const r = await request(`${url}/api/checkin`, { method: "POST", agent, headers: { authorization: `Bearer ${tokens[i]}`, "accept-encoding": "gzip" }, body: { token: live } });
        if (r.status !== 201) throw new Error(`checkin: HTTP ${r.status}`);
      }),
    );
    for (const s of sockets) s.close();
    teacher.close();
  } finally {
    agent.destroy();
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
