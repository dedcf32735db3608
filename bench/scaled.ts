import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { analyze, type TargetSummary } from "./analyze";
import { BENCH_DIST_DIR } from "./build";
import { readRecords, type DbCheck } from "./db-check";
import { request } from "./http";
import { runLoad, type Flow, type PagePlan, type Target } from "./load";
import type { Arrival } from "./schedule";
import type { ServerStats } from "./server-stats";
import { childPids, connectionOwner, isAlive, localPort, newSecret, startNode, startServices, type RollcallNode, type Services } from "../test/scale/harness";
import { closeDomain, seedHall, type Target as DbTarget } from "../test/scale/hall";
import { freePort } from "../test/scale/trials";

/**
 * The lecture-hall minute against Rollcall beyond one process (SPEC §11),
 * started as an operator starts it (server/start.ts, test/scale/harness.ts):
 * - `--workers N`: one machine, WORKERS=N, its SQLite file and nothing else;
 * - `--nodes N`: N nodes on a throwaway PostgreSQL + Redis (test/services/),
 *   phones spread over them round robin as a load balancer would, the console
 *   on the first.
 * Same schedule and page plan as the single process (recorded there). A
 * process's own `/__bench/stats` cannot speak for the others, so CPU and memory
 * are read from /proc for every process of the mode (primary, workers, nodes,
 * and PostgreSQL's and Redis's apart), and the event-loop figures are n/a.
 * `--kill` SIGKILLs one worker (not the console's) or the last node at
 * `--kill-at` seconds into the minute.
 */
export type ScaledMode = { kind: "workers"; workers: number } | { kind: "nodes"; nodes: number };

export const modeLabel = (m: ScaledMode) => (m.kind === "workers" ? `WORKERS=${m.workers}` : `${m.nodes} nodes (PostgreSQL + Redis)`);

export type ScaledExtras = {
  mode: string;
  /** CPU of Rollcall's processes, and of PostgreSQL and Redis, over the minute (ms). */
  cpuMs: { rollcall: number; postgres: number; redis: number };
  processes: number;
  killed: { what: string; atMs: number } | null;
};

type Log = (line: string) => void;

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();
const PAGE = 4096;

/** utime, stime (ms) and RSS (bytes) of a process, or null when it is gone. */
function procStat(pid: number): { user: number; system: number; rss: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // After the command: state is field 3, utime 14, stime 15, rss 24 (1-based in proc(5)).
    return { user: (Number(f[11]) * 1000) / CLK_TCK, system: (Number(f[12]) * 1000) / CLK_TCK, rss: Number(f[21]) * PAGE };
  } catch {
    return null;
  }
}

function tree(pid: number): number[] {
  const out = [pid];
  for (const c of childPids(pid)) out.push(...tree(c));
  return out;
}

/** CPU of groups of processes over a window, sampled so that a process killed mid-window keeps what it used. */
function cpuMeter(groups: Record<string, () => number[]>) {
  const base = new Map<number, { user: number; system: number }>();
  const last = new Map<number, { user: number; system: number; group: string }>();
  let rssPeak = 0;
  let timer: NodeJS.Timeout | null = null;
  const sample = (baseline: boolean) => {
    let rss = 0;
    for (const [group, pids] of Object.entries(groups)) {
      for (const pid of pids()) {
        const s = procStat(pid);
        if (!s) continue;
        if (baseline) base.set(pid, s);
        // A process born during the window (a replaced worker) counts from zero: its start is part of the cost.
        if (!base.has(pid)) base.set(pid, { user: 0, system: 0 });
        last.set(pid, { ...s, group });
        if (group === "rollcall") rss += s.rss;
      }
    }
    rssPeak = Math.max(rssPeak, rss);
  };
  return {
    start() {
      base.clear();
      last.clear();
      rssPeak = 0;
      sample(true);
      timer = setInterval(() => sample(false), 200);
    },
    stop() {
      if (timer) clearInterval(timer);
      sample(false);
      const by: Record<string, { user: number; system: number }> = {};
      for (const [pid, s] of last) {
        const b = base.get(pid)!;
        const g = (by[s.group] ??= { user: 0, system: 0 });
        g.user += s.user - b.user;
        g.system += s.system - b.system;
      }
      return { by, rssPeak, processes: last.size };
    },
  };
}

function readRecordsPg(url: string, sessionId: string): Promise<DbCheck> {
  return (async () => {
    const { default: pg } = await import("postgres");
    const db = pg(url, { max: 1, onnotice: () => {} });
    try {
      const rows = await db<{ studentId: string; n: number }[]>`SELECT student_id AS "studentId", count(*)::int AS n FROM attendance_records WHERE session_id = ${sessionId} GROUP BY student_id`;
      const [audit] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_events WHERE session_id = ${sessionId} AND action = 'checkin'`;
      return { rows: rows.reduce((sum, r) => sum + r.n, 0), perStudent: new Map(rows.map((r) => [r.studentId, r.n])), auditCheckins: audit?.n ?? null };
    } finally {
      await db.end();
    }
  })();
}

export async function benchScaled(o: {
  mode: ScaledMode;
  students: number;
  schedule: Arrival[];
  flow: Flow;
  page: PagePlan | null;
  dir: string;
  log: Log;
  kill: boolean;
  killAtMs: number;
}): Promise<{ summary: TargetSummary; extras: ScaledExtras }> {
  const label = modeLabel(o.mode);
  const secret = newSecret();
  const nodesWanted = o.mode.kind === "nodes" ? o.mode.nodes : 1;
  const services: Services | null = o.mode.kind === "nodes" ? await startServices({ postgres: true, redis: true }) : null;
  const databasePath = path.join(o.dir, "scaled.db");
  const db: DbTarget = services ? { databaseUrl: services.databaseUrl, authSecret: secret } : { databasePath, authSecret: secret };
  const nodes: RollcallNode[] = [];
  // Seeding points this process's domain at the mode's database; put the settings back for what runs next.
  const saved = { DATABASE_URL: process.env.DATABASE_URL, DATABASE_PATH: process.env.DATABASE_PATH, AUTH_SECRET: process.env.AUTH_SECRET };
  try {
    const ports = await Promise.all(Array.from({ length: nodesWanted }, () => freePort()));
    const started = performance.now();
    nodes.push(
      ...(await Promise.all(
        ports.map((port, i) =>
          startNode({
            name: `node-${i + 1}`,
            port,
            distDir: BENCH_DIST_DIR,
            authSecret: secret,
            databaseUrl: services?.databaseUrl,
            redisUrl: services?.redis?.url,
            databasePath: services ? path.join(o.dir, `node-${i + 1}-unused.db`) : databasePath,
            workers: o.mode.kind === "workers" ? o.mode.workers : undefined,
          }),
        ),
      )),
    );
    o.log(`  ${label}: up in ${((performance.now() - started) / 1000).toFixed(1)} s (${nodes.map((n) => `pid ${n.pid}`).join(", ")})`);

    const seedStart = performance.now();
    const hall = await seedHall(db, o.students);
    await closeDomain(db);
    o.log(`  ${label}: ${o.students} students seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const url = nodes[0].url;
    const teacher = { authorization: `Bearer ${hall.teacher.token}` };
    const session = await request(`${url}/api/courses/${hall.courseId}/sessions`, { method: "POST", headers: teacher, body: { title: "Lecture hall bench" } });
    if (session.status !== 201) throw new Error(`${label}: start session: HTTP ${session.status} ${JSON.stringify(session.json)}`);
    const sessionId = (session.json as { session: { id: string } }).session.id;
    // Every process has loaded /join and the check-in route, as after a morning of use (fresh connections reach every worker).
    for (const node of nodes) {
      for (let i = 0; i < (o.mode.kind === "workers" ? o.mode.workers * 3 : 1); i++) {
        await request(`${node.url}/join`, { headers: { connection: "close" } });
        await request(`${node.url}/api/checkin`, { method: "POST", headers: { ...teacher, connection: "close" }, body: {} });
      }
    }

    const meter = cpuMeter({
      rollcall: () => nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null).flatMap((n) => tree(n.pid)),
      postgres: () => {
        const pidFile = services?.postgres && path.join(services.postgres.dataDir, "postmaster.pid");
        if (!pidFile || !existsSync(pidFile)) return [];
        return tree(Number(readFileSync(pidFile, "utf8").split("\n")[0]));
      },
      redis: () => (services?.redis && isAlive(services.redis.pid) ? [services.redis.pid] : []),
    });
    let measured: ReturnType<ReturnType<typeof cpuMeter>["stop"]> | null = null;
    let windowStart = 0;
    const serverStats = {
      reset: async () => {
        windowStart = performance.now();
        meter.start();
      },
      read: async (): Promise<ServerStats> => {
        measured = meter.stop();
        const sum = (k: "user" | "system") => Object.values(measured!.by).reduce((n, g) => n + g[k], 0);
        return {
          windowMs: performance.now() - windowStart,
          windowStartUs: 0,
          windowEndUs: 0,
          rssPeak: measured.rssPeak,
          rssNow: NaN,
          heapUsedPeak: NaN,
          maxRssSinceStart: NaN,
          eventLoopDelayP50Ms: NaN,
          eventLoopDelayP99Ms: NaN,
          eventLoopDelayMaxMs: NaN,
          // Everything the mode runs on: Rollcall's processes, and PostgreSQL and Redis when it has them.
          cpuUserMs: sum("user"),
          cpuSystemMs: sum("system"),
          connectedSockets: NaN,
        };
      },
    };

    let killed: ScaledExtras["killed"] = null;
    let consolePid: number | null = null;
    const onTeacherSocket = (socket: Parameters<NonNullable<Parameters<typeof runLoad>[2]["onTeacherSocket"]>>[0]) => {
      if (o.mode.kind !== "workers") return;
      const port = localPort(socket as never);
      consolePid = port ? connectionOwner(nodes[0].port, port, nodes[0].workerPids()) : null;
    };
    const onStart = () => {
      if (!o.kill) return;
      const t0 = performance.now();
      setTimeout(() => {
        if (o.mode.kind === "nodes") {
          const victim = nodes[nodes.length - 1];
          if (nodes.length < 2) return o.log(`  ${label}: --kill needs two nodes or more; nothing killed`);
          void victim.kill("SIGKILL");
          killed = { what: `${victim.name} (pid ${victim.pid})`, atMs: performance.now() - t0 };
        } else {
          const victim = nodes[0].workerPids().find((p) => p !== consolePid);
          if (!victim) return o.log(`  ${label}: --kill needs a worker without the console; nothing killed`);
          process.kill(victim, "SIGKILL");
          killed = { what: `worker pid ${victim}`, atMs: performance.now() - t0 };
        }
        o.log(`  ${label}: SIGKILLed ${killed.what} ${(killed.atMs / 1000).toFixed(1)} s into the minute`);
      }, o.killAtMs).unref();
    };

    const target: Target = {
      name: "rollcall",
      url,
      sessionId,
      teacherToken: hall.teacher.token,
      studentIds: hall.students.map((s) => s.id),
      studentTokens: hall.students.map((s) => s.token),
      phoneUrls: nodes.map((n) => n.url),
    };
    const run = await runLoad(target, o.schedule, { flow: o.flow, page: o.page, log: o.log, serverStats, onTeacherSocket, onStart });
    const m = measured ?? meter.stop();
    const ms = (g?: { user: number; system: number }) => (g ? g.user + g.system : 0);

    // The ground truth once the servers have stopped (SQLite) or from the shared database (PostgreSQL).
    let check: DbCheck;
    if (services) {
      check = await readRecordsPg(services.databaseUrl!, sessionId);
      await Promise.all(nodes.map((n) => n.kill("SIGTERM")));
    } else {
      await Promise.all(nodes.map((n) => n.kill("SIGTERM")));
      check = readRecords(databasePath, sessionId);
    }
    // A failed check-in says only `internal_error`; the reason is in the node's log (the last 20 kB of each).
    for (const node of nodes) {
      const at = node.output().indexOf("[rollcall] unexpected error");
      if (at >= 0) o.log(`  ${label}: ${node.name} logged:\n${node.output().slice(at, at + 4000)}`);
    }
    const summary = { ...analyze(run, check, target.studentIds), pageLoad: null };
    return {
      summary,
      extras: { mode: label, cpuMs: { rollcall: ms(m.by.rollcall), postgres: ms(m.by.postgres), redis: ms(m.by.redis) }, processes: m.processes, killed },
    };
  } finally {
    await Promise.all(nodes.map((n) => n.kill("SIGKILL")));
    await services?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
