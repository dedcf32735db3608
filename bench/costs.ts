import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureBuild, BENCH_DIST_DIR } from "./build";
import { freePort, startChild, type ServerChild } from "./child";
import { phoneAgent, request } from "./http";
import type { PagePlan } from "./load";
import { connected, connectSocket, phoneJar, visit, type ClientSocket } from "./phone";
import { pageLoadSteps, probePageLoads, PROBE_IN_FLIGHT } from "./probe";
import { STATS_PATH, type ServerStats } from "./server-stats";
import { recordPage } from "./targets";

/**
 * `npx tsx bench/costs.ts [rollcall|floor|both] [N]`: the server's CPU time per
 * operation, one kind of operation at a time with a few in flight, so no queue
 * forms. CPU per operation depends far less on how busy the machine is than
 * latency does, which makes it the figure to compare across changes.
 *
 * The page loads replay the page's plan (recorded from /join in Chromium on a
 * Rollcall server, as `npm run bench` does); the floor serves the same bytes.
 */
const IN_FLIGHT = PROBE_IN_FLIGHT;
/** Page loads are the slow operation: fewer of them give the same precision. */
const MAX_PAGE_LOADS = 200;
/** Each file of a cold page load on its own, to see which ones cost. */
const FILE_FETCHES = 100;

async function pool<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

const line = (label: string, count: number, cpu: number, extra = "") =>
  console.log(`${label.padEnd(34)} ${String(count).padStart(5)} ×   ${cpu.toFixed(2).padStart(6)} ms CPU each${extra}`);

async function measure(url: string, label: string, count: number, fn: () => Promise<void>): Promise<void> {
  await request(`${url}${STATS_PATH}?reset=1`);
  await fn();
  const s = (await request(`${url}${STATS_PATH}`)).json as ServerStats;
  line(label, count, (s.cpuUserMs + s.cpuSystemMs) / count, `   (event-loop delay p99 ${s.eventLoopDelayP99Ms.toFixed(1)} ms)`);
}

async function connect(url: string, token: string): Promise<ClientSocket> {
  const s = connectSocket(url, { token });
  const refused = await connected(s);
  if (refused) throw new Error(`handshake refused: ${refused}`);
  return s;
}

type Started = { child: ServerChild; teacherToken: string; sessionId: string };

async function startRollcall(n: number, dir: string, record: boolean): Promise<Started & { recorded: { page: PagePlan; bundleFile: string } | null }> {
  const port = await freePort();
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
  const recorded = record ? await recordPage(url, teacherToken, dir, (l) => console.error(l)) : null;
  for (const l of recorded?.planText ?? []) console.error(l);
  const started = await request(`${url}/api/courses/${child.roster.courseId}/sessions`, { method: "POST", headers: { authorization: `Bearer ${teacherToken}` }, body: {} });
  return { child, teacherToken, sessionId: (started.json as { session: { id: string } }).session.id, recorded };
}

async function startFloor(n: number, dir: string, bundleFile: string): Promise<Started> {
  const child = await startChild("floor-server.ts", {
    DATABASE_PATH: path.join(dir, "floor.db"),
    PORT: String(await freePort()),
    BENCH_STUDENTS: String(n),
    BENCH_ROSTER: path.join(dir, "floor-roster.json"),
    BENCH_PAGE_BUNDLE: bundleFile,
  });
  return { child, teacherToken: child.roster.teacher.token!, sessionId: child.roster.sessionId! };
}

async function costs(name: string, { child, teacherToken, sessionId }: Started, page: PagePlan, n: number): Promise<void> {
  const url = child.ready.url;
  const tokens = child.roster.students.map((s) => s.token);
  const agent = phoneAgent();
  try {
    const teacher = await connect(url, teacherToken);
    const watch = await teacher.emitWithAck("session:watch", { sessionId });
    let live = watch.ok && "code" in watch && watch.code ? watch.code.token : "";
    teacher.on("session:code", (p) => (live = p.token));
    // Warm the routes, as a server that has been up a while has.
    await request(`${url}/join`, { headers: { "accept-encoding": "gzip" } });
    await request(`${url}/api/checkin`, { method: "POST", headers: { authorization: `Bearer ${teacherToken}` }, body: {} });

    const all = tokens.map((_, i) => i);
    const half = Math.floor(n / 2);
    console.log(`${name}: server CPU per operation, ${IN_FLIGHT} in flight`);
    const loads = Math.min(n, MAX_PAGE_LOADS);
    for (const warm of [false, true]) {
      const c = await probePageLoads({ url, page, sessionToken: tokens[0], qrToken: live, sessionId, loads, warm });
      const errors = Object.keys(c.errors).length ? `   errors ${JSON.stringify(c.errors)}` : "";
      line(`page load, ${warm ? "warm" : "cold"} (${c.requests.toFixed(0)} requests)`, loads, c.cpuMsPerLoad, `   ${(c.bytesIn / 1024).toFixed(1)} KiB in, ${(c.bytesOut / 1024).toFixed(1)} KiB out${errors}`);
    }
    // Each file of a cold page load alone, with the headers the browser sent.
    for (const step of pageLoadSteps(page.cold)) {
      if (step.kind !== "fetch") continue;
      for (const spec of step.requests) {
        const one = [{ ...step, requests: [spec], parallel: 1 }];
        const jar = phoneJar(page.plan, tokens[0], false);
        const log = { send: () => ({ settle: (_r: unknown, e: string | null) => e, rescanned: () => {} }) };
        await measure(url, `  ${spec.method} ${spec.path.split("?")[0].split("/").pop() || "/"}`, FILE_FETCHES, () =>
          pool(Array.from({ length: FILE_FETCHES }, (_, i) => i), async () => {
            const r = await visit({ url, agent, steps: one, jar, token: live, rescan: () => live, sessionId, doubleTap: false, log, onSocket: () => {} });
            if (r.errors.length) throw new Error(r.errors[0]);
          }),
        );
      }
    }
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
  }
}

async function main() {
  const which = ["floor", "both"].includes(process.argv[2]) ? process.argv[2] : "rollcall";
  const n = Math.max(2, Number(process.argv[3] ?? 1000));
  ensureBuild((l) => console.error(l));
  const dir = mkdtempSync(path.join(os.tmpdir(), "rollcall-costs-"));
  try {
    // The page is recorded on a Rollcall server, even when only the floor is measured.
    const rc = await startRollcall(which === "floor" ? 2 : n, dir, true);
    const recorded = rc.recorded!;
    try {
      if (which !== "floor") await costs("rollcall", rc, recorded.page, n);
    } finally {
      await rc.child.stop();
    }
    if (which !== "rollcall") {
      const floor = await startFloor(n, dir, recorded.bundleFile);
      try {
        await costs("floor", floor, recorded.page, n);
      } finally {
        await floor.child.stop();
      }
    }
  } finally {
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
