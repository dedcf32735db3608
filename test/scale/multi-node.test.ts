import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  ask,
  connected,
  connectionOwner,
  ensureProductionBuild,
  localPort,
  newSecret,
  nextEvent,
  openSocket,
  startNode,
  startServices,
  tempDir,
  type ClientSocket,
  type RollcallNode,
  type Services,
} from "./harness";
import { closeDomain, newDevice, openConsole, seedHall, startSession, trialTable, type Console, type Hall, type Target } from "./hall";
import { freePort, nodeTrials, waitForWorkers, workerTrials } from "./trials";

/**
 * SPEC §11 for real: Rollcall nodes started from the production build as an
 * operator starts them, on throwaway PostgreSQL and Redis (test/services/), and
 * one machine with WORKERS=2 on its SQLite file. A student on one process, the
 * console on another: check-in, regeneration, rate limits and the device rule
 * across them; then kill trials (SIGKILL mid-burst): no acknowledged check-in
 * lost, the surviving console keeps getting codes. CI runs a few trials;
 * scripts/kill-trials.ts runs ten and more and prints each.
 */
const TRIALS = Number(process.env.SCALE_TRIALS ?? 2);
const TRIAL_STUDENTS = Number(process.env.SCALE_TRIAL_STUDENTS ?? 120);
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function studentSocket(node: RollcallNode, student: { token: string }, device = newDevice()): Promise<ClientSocket> {
  const s = openSocket(node.url, { token: student.token, deviceId: device });
  await connected(s);
  return s;
}

const checkinWith = (s: ClientSocket, body: { token?: string; code?: string }) => ask(s, "attendance:checkin", body);

/** A 6-digit code that is not the live one (nor the one before). */
const wrongCode = (live: string[]) => {
  for (;;) {
    const c = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
    if (!live.includes(c)) return c;
  }
};

describe("two nodes on one PostgreSQL and Redis", () => {
  let services: Services;
  let a: RollcallNode;
  let b: RollcallNode;
  let target: Target;
  let hall: Hall;
  let sessionId: string;
  let consoleB: Console;
  let consoleA: Console;

  beforeAll(async () => {
    const distDir = ensureProductionBuild();
    services = await startServices({ postgres: true, redis: true });
    const scratch = tempDir("rollcall-two-nodes-");
    const secret = newSecret();
    target = { databaseUrl: services.databaseUrl, authSecret: secret };
    const common = { databaseUrl: services.databaseUrl, redisUrl: services.redis!.url, authSecret: secret, distDir };
    const [pa, pb] = [await freePort(), await freePort()];
    cleanups.push(() => services.stop(), () => scratch.remove(), () => closeDomain(target).catch(() => {}));
    // Both start at once: migrations and the demo seed are applied by exactly one of them.
    [a, b] = await Promise.all([
      startNode({ ...common, name: "node-a", port: pa, databasePath: path.join(scratch.dir, "a.db") }),
      startNode({ ...common, name: "node-b", port: pb, databasePath: path.join(scratch.dir, "b.db") }),
    ]);
    cleanups.push(() => a.kill(), () => b.kill());
    hall = await seedHall(target, 6);
    sessionId = await startSession(a, hall);
    consoleB = await openConsole(b, hall, sessionId);
    consoleA = await openConsole(a, hall, sessionId);
    cleanups.push(() => consoleA.close(), () => consoleB.close());
  }, 240_000);

  it("each node answers /api/health with its own name, the database and Redis", async () => {
    const [ha, hb] = await Promise.all([api(a.url, "GET", "/api/health"), api(b.url, "GET", "/api/health")]);
    for (const h of [ha, hb]) {
      expect(h.status).toBe(200);
      expect(h.body).toMatchObject({ ok: true, db: "ok", redis: "ok" });
    }
    expect(ha.body.node).toContain("node-a");
    expect(hb.body.node).toContain("node-b");
  });

  it("a check-in on node A reaches the console on node B", async () => {
    const student = hall.students[0];
    const s = await studentSocket(a, student);
    const marked = nextEvent(consoleB.socket, "attendance:marked", 10_000, (m: any) => m.record.studentId === student.id);
    const ack = await checkinWith(s, { token: consoleB.token() });
    expect(ack).toMatchObject({ ok: true, alreadyCheckedIn: false });
    const m = await marked;
    expect(m.counts.present + m.counts.late).toBeGreaterThanOrEqual(1);
    s.close();
    // And over REST with the typed code, on node A, seen on node B.
    const other = hall.students[1];
    const seen = nextEvent(consoleB.socket, "attendance:marked", 10_000, (m: any) => m.record.studentId === other.id);
    const r = await api(a.url, "POST", "/api/checkin", { token: other.token, body: { code: consoleB.code() }, cookie: `rollcall_device=${newDevice()}` });
    expect(r.status).toBe(201);
    await seen;
  });

  it("every console gets each rotation once, whichever node it is on", async () => {
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 11_000)); // two 5 s windows
    for (const c of [consoleA, consoleB]) {
      const recent = c.codes.filter((x) => x.serverTime > since);
      expect(recent.length).toBeGreaterThanOrEqual(2);
      expect(new Set(recent.map((x) => x.token)).size).toBe(recent.length);
    }
  });

  it("a regeneration on node A reaches the console on node B at once, and the old token and code die on both nodes", async () => {
    const oldToken = consoleB.token();
    const oldCode = consoleB.code();
    const pushed = nextEvent(consoleB.socket, "session:code", 3_000, (c: any) => c.token !== oldToken);
    const r = await api(a.url, "POST", `/api/sessions/${sessionId}/code`, { token: hall.teacher.token });
    expect(r.status).toBe(200);
    const fresh = await pushed;
    expect(fresh.token).toBe(r.body.token);
    for (const [i, node] of [a, b].entries()) {
      const s = await studentSocket(node, hall.students[2 + i]);
      const byToken = await checkinWith(s, { token: oldToken });
      expect(byToken.ok).toBe(false);
      expect(byToken.error.code).toBe("code_expired");
      const byCode = await checkinWith(s, { code: oldCode });
      expect(byCode.ok).toBe(false);
      expect(["code_expired", "code_not_found"]).toContain(byCode.error.code);
      s.close();
    }
  });

  it("wrong codes count against one budget across nodes", async () => {
    const student = hall.students[4];
    const onA = await studentSocket(a, student);
    const onB = await studentSocket(b, student);
    const live = () => [consoleB.code(), consoleA.code()];
    // Ten free wrong codes and the first judged one, alternating between the nodes.
    for (let i = 0; i < 11; i++) {
      const ack = await checkinWith(i % 2 ? onB : onA, { code: wrongCode(live()) });
      expect(ack.ok).toBe(false);
      expect(ack.error.code).not.toBe("rate_limited");
    }
    // Each node alone has seen six at most; together they have seen eleven: the next one waits, on either node.
    const limited = await checkinWith(onB, { code: wrongCode(live()) });
    expect(limited.ok).toBe(false);
    expect(limited.error.code).toBe("rate_limited");
    onA.close();
    onB.close();
  });

  it("one device checks in one student, across nodes, and both consoles are shown the attempt", async () => {
    const device = newDevice();
    const first = hall.students[5];
    const second = hall.students[3];
    const s1 = await studentSocket(a, first, device);
    expect(await checkinWith(s1, { token: consoleB.token() })).toMatchObject({ ok: true });
    s1.close();
    const flaggedB = nextEvent(consoleB.socket, "attendance:flagged", 10_000, (f: any) => f.studentId === second.id);
    const flaggedA = nextEvent(consoleA.socket, "attendance:flagged", 10_000, (f: any) => f.studentId === second.id);
    const s2 = await studentSocket(b, second, device);
    const ack = await checkinWith(s2, { token: consoleB.token() });
    expect(ack.ok).toBe(false);
    expect(ack.error.code).toBe("device_already_used");
    await Promise.all([flaggedA, flaggedB]);
    s2.close();
  });
});

describe("kill trials: two nodes, node A SIGKILLed during a burst of check-ins", () => {
  it(`loses no acknowledged check-in over ${TRIALS} trials, and the console on node B keeps getting codes`, async () => {
    const results = await nodeTrials({ trials: TRIALS, students: TRIAL_STUDENTS, log: (l) => console.log(l) });
    console.log(trialTable("two nodes, node A killed", results));
    for (const r of results) {
      expect(r.lost).toBe(0);
      expect(r.rows).toBeGreaterThanOrEqual(r.acked);
      expect(r.ackedByVictim).toBeGreaterThan(0);
      expect(r.codesAfterKill).toBeGreaterThanOrEqual(1);
      expect(r.duplicateCodes).toBe(0);
      expect(r.consoleKept).toBe(true);
      expect(r.unanswered).toBe(0);
    }
  }, 600_000);
});

describe("WORKERS=2 on one SQLite file, nothing else", () => {
  let machine: RollcallNode;
  let target: Target;
  let hall: Hall;
  let sessionId: string;
  let consoles: Console[];
  let byWorker: Map<number, Console>;

  const ownerOf = (s: ClientSocket) => connectionOwner(machine.port, localPort(s)!, machine.workerPids());

  /** A socket of this student held by the given worker (the cluster spreads connections over the workers). */
  async function socketOn(pid: number, student: { token: string }, device = newDevice()): Promise<ClientSocket> {
    for (let i = 0; i < 20; i++) {
      const s = await studentSocket(machine, student, device);
      if (ownerOf(s) === pid) return s;
      s.close();
    }
    throw new Error(`no socket landed on worker ${pid}`);
  }

  beforeAll(async () => {
    const distDir = ensureProductionBuild();
    const scratch = tempDir("rollcall-workers-");
    const secret = newSecret();
    const databasePath = path.join(scratch.dir, "rollcall.db");
    target = { databasePath, authSecret: secret };
    cleanups.push(() => scratch.remove(), () => closeDomain(target).catch(() => {}));
    machine = await startNode({ name: "machine", port: await freePort(), databasePath, workers: 2, authSecret: secret, distDir });
    cleanups.push(() => machine.kill());
    await waitForWorkers(machine, 2);
    hall = await seedHall(target, 6);
    sessionId = await startSession(machine, hall);
    // A console on each worker.
    byWorker = new Map();
    consoles = [];
    for (let i = 0; i < 20 && byWorker.size < 2; i++) {
      const c = await openConsole(machine, hall, sessionId);
      const pid = connectionOwner(machine.port, localPort(c.socket)!, machine.workerPids());
      if (pid && !byWorker.has(pid)) {
        byWorker.set(pid, c);
        consoles.push(c);
      } else c.close();
    }
    cleanups.push(() => consoles.forEach((c) => c.close()));
    expect(byWorker.size).toBe(2);
  }, 240_000);

  it("answers /api/health from each worker with no Redis", async () => {
    const names = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const h = await api(machine.url, "GET", "/api/health");
      expect(h.status).toBe(200);
      expect(h.body).toMatchObject({ ok: true, db: "ok" });
      expect(h.body.redis).toBeUndefined();
      names.add(h.body.node);
    }
    expect(names.size).toBeGreaterThanOrEqual(1);
  });

  it("a check-in on one worker reaches the console on the other", async () => {
    const [w1, w2] = [...byWorker.keys()];
    const student = hall.students[0];
    const s = await socketOn(w1, student);
    const seen = nextEvent(byWorker.get(w2)!.socket, "attendance:marked", 10_000, (m: any) => m.record.studentId === student.id);
    expect(await checkinWith(s, { token: consoles[0].token() })).toMatchObject({ ok: true, alreadyCheckedIn: false });
    await seen;
    s.close();
  });

  it("each console gets each rotation once, and a regeneration reaches both workers' consoles", async () => {
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 11_000));
    for (const c of consoles) {
      const recent = c.codes.filter((x) => x.serverTime > since);
      expect(recent.length).toBeGreaterThanOrEqual(2);
      expect(new Set(recent.map((x) => x.token)).size).toBe(recent.length);
    }
    const oldToken = consoles[0].token();
    const pushed = consoles.map((c) => nextEvent(c.socket, "session:code", 3_000, (x: any) => x.token !== oldToken));
    const r = await api(machine.url, "POST", `/api/sessions/${sessionId}/code`, { token: hall.teacher.token });
    expect(r.status).toBe(200);
    for (const p of pushed) expect((await p).token).toBe(r.body.token);
    for (const pid of byWorker.keys()) {
      const s = await socketOn(pid, hall.students[1]);
      const ack = await checkinWith(s, { token: oldToken });
      expect(ack.error?.code).toBe("code_expired");
      s.close();
    }
  });

  it("wrong codes count against one budget across workers", async () => {
    const [w1, w2] = [...byWorker.keys()];
    const student = hall.students[2];
    const s1 = await socketOn(w1, student);
    const s2 = await socketOn(w2, student);
    const live = () => consoles.map((c) => c.code());
    for (let i = 0; i < 11; i++) {
      const ack = await checkinWith(i % 2 ? s2 : s1, { code: wrongCode(live()) });
      expect(ack.error.code).not.toBe("rate_limited");
    }
    const limited = await checkinWith(s2, { code: wrongCode(live()) });
    expect(limited.error?.code).toBe("rate_limited");
    s1.close();
    s2.close();
  });

  it("one device checks in one student, across workers", async () => {
    const [w1, w2] = [...byWorker.keys()];
    const device = newDevice();
    const s1 = await socketOn(w1, hall.students[3], device);
    expect(await checkinWith(s1, { token: consoles[0].token() })).toMatchObject({ ok: true });
    const second = hall.students[4];
    const flagged = consoles.map((c) => nextEvent(c.socket, "attendance:flagged", 10_000, (f: any) => f.studentId === second.id));
    const s2 = await socketOn(w2, second, device);
    const ack = await checkinWith(s2, { token: consoles[0].token() });
    expect(ack.error?.code).toBe("device_already_used");
    await Promise.all(flagged);
    s1.close();
    s2.close();
  });
});

describe("kill trials: WORKERS=2, one worker SIGKILLed during a burst of check-ins", () => {
  it(`loses no acknowledged check-in over ${TRIALS} trials; the console on the other worker keeps getting codes; the worker is replaced`, async () => {
    const results = await workerTrials({ trials: TRIALS, students: TRIAL_STUDENTS, log: (l) => console.log(l) });
    console.log(trialTable("WORKERS=2, one worker killed", results));
    for (const r of results) {
      expect(r.lost).toBe(0);
      expect(r.rows).toBeGreaterThanOrEqual(r.acked);
      expect(r.ackedByVictim).toBeGreaterThan(0);
      expect(r.codesAfterKill).toBeGreaterThanOrEqual(1);
      expect(r.duplicateCodes).toBe(0);
      expect(r.consoleKept).toBe(true);
      expect(r.replaced).toBe(true);
      expect(r.unanswered).toBe(0);
    }
  }, 600_000);
});
