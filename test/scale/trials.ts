import path from "node:path";
import { connect, createServer } from "node:net";
import { api, connectionOwner, ensureProductionBuild, localPort, newSecret, startNode, startServices, tempDir, type RollcallNode, type Services } from "./harness";
import { closeDomain, killTrial, openConsole, seedHall, startSession, type Target, type TrialResult } from "./hall";

/**
 * The kill trials of SPEC §11 in both shapes, for the tests (a few trials) and
 * scripts/kill-trials.ts (ten and more, for the report):
 * - nodes: two nodes on one PostgreSQL + Redis; phones mostly on node A, the
 *   console on node B; node A is SIGKILLed mid-burst and started again for the next trial.
 * - workers: one machine with WORKERS=2 on its SQLite file and nothing else;
 *   the console on one worker, the other worker SIGKILLed mid-burst (the
 *   primary replaces it).
 */
export type TrialOptions = { trials: number; students: number; log?: (line: string) => void };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const KILL_AFTER_SHARE = 0.25;
const SPREAD_MS = 1500;

export async function nodeTrials(o: TrialOptions): Promise<TrialResult[]> {
  const log = o.log ?? (() => {});
  const distDir = ensureProductionBuild(log);
  const services: Services = await startServices({ postgres: true, redis: true });
  const secret = newSecret();
  const scratch = tempDir("rollcall-nodes-");
  const target: Target = { databaseUrl: services.databaseUrl, authSecret: secret };
  const common = { databaseUrl: services.databaseUrl, redisUrl: services.redis!.url, authSecret: secret, distDir };
  const [portA, portB] = [await freePort(), await freePort()];
  const startA = () => startNode({ ...common, name: "node-a", port: portA, databasePath: path.join(scratch.dir, "a.db") });
  let a: RollcallNode | null = null;
  let b: RollcallNode | null = null;
  const results: TrialResult[] = [];
  try {
    [b, a] = await Promise.all([startNode({ ...common, name: "node-b", port: portB, databasePath: path.join(scratch.dir, "b.db") }), startA()]);
    for (let trial = 1; trial <= o.trials; trial++) {
      if (!a) a = await startA();
      const nodeA: RollcallNode = a;
      const nodeB: RollcallNode = b;
      const hall = await seedHall(target, o.students);
      const sessionId = await startSession(nodeB, hall);
      const console = await openConsole(nodeB, hall, sessionId);
      // Three phones in four reach node A, the one to die.
      const entry = (i: number) => (i % 4 === 3 ? nodeB : nodeA);
      const result = await killTrial({
        trial,
        hall,
        sessionId,
        console,
        entry,
        onVictim: (_s, node) => node === nodeA,
        retryOn: nodeB,
        kill: () => nodeA.kill("SIGKILL"),
        killAfterAcks: Math.max(1, Math.floor(o.students * 0.75 * KILL_AFTER_SHARE)),
        spreadMs: SPREAD_MS,
        target,
      });
      const consoleKept = console.socket.connected;
      console.close();
      await api(nodeB.url, "POST", `/api/sessions/${sessionId}/end`, { token: hall.teacher.token });
      a = null;
      log(`nodes trial ${trial}: acked ${result.acked}, rows ${result.rows}, lost ${result.lost}, codes after the kill ${result.codesAfterKill}`);
      results.push({ ...result, consoleKept });
    }
    return results;
  } finally {
    await Promise.all([a?.kill("SIGKILL"), b?.kill("SIGKILL")]);
    await closeDomain(target).catch(() => {});
    await services.stop();
    scratch.remove();
  }
}

export async function workerTrials(o: TrialOptions): Promise<TrialResult[]> {
  const log = o.log ?? (() => {});
  const distDir = ensureProductionBuild(log);
  const secret = newSecret();
  const scratch = tempDir("rollcall-workers-");
  const databasePath = path.join(scratch.dir, "rollcall.db");
  const target: Target = { databasePath, authSecret: secret };
  const port = await freePort();
  let node: RollcallNode | null = null;
  const results: TrialResult[] = [];
  try {
    node = await startNode({ name: "machine", port, databasePath, workers: 2, authSecret: secret, distDir });
    const machine: RollcallNode = node;
    for (let trial = 1; trial <= o.trials; trial++) {
      await waitForWorkers(machine, 2);
      const hall = await seedHall(target, o.students);
      const sessionId = await startSession(machine, hall);
      const console = await openConsole(machine, hall, sessionId);
      const workers = machine.workerPids();
      const consolePid = connectionOwner(port, localPort(console.socket)!, workers);
      if (!consolePid) throw new Error("could not tell which worker holds the console's socket");
      const victim = workers.find((p) => p !== consolePid)!;
      const result = await killTrial({
        trial,
        hall,
        sessionId,
        console,
        entry: () => machine,
        onVictim: (socket) => connectionOwner(port, localPort(socket) ?? 0, [victim]) === victim,
        retryOn: machine,
        kill: async () => {
          process.kill(victim, "SIGKILL");
        },
        killAfterAcks: Math.max(1, Math.floor(o.students * 0.5 * KILL_AFTER_SHARE)),
        spreadMs: SPREAD_MS,
        target,
      });
      const consoleKept = console.socket.connected;
      console.close();
      await api(machine.url, "POST", `/api/sessions/${sessionId}/end`, { token: hall.teacher.token });
      const replaced = await waitForWorkers(machine, 2).then(
        () => true,
        () => false,
      );
      log(`workers trial ${trial}: acked ${result.acked}, rows ${result.rows}, lost ${result.lost}, codes after the kill ${result.codesAfterKill}, worker replaced ${replaced}`);
      results.push({ ...result, consoleKept, replaced });
    }
    return results;
  } finally {
    await node?.kill("SIGKILL");
    await closeDomain(target).catch(() => {});
    scratch.remove();
  }
}

/**
 * Until the machine has `n` live workers that each take connections (a killed
 * one is replaced by the primary, and the replacement counts once it accepts):
 * raw TCP connections are opened until each worker was handed one.
 */
export async function waitForWorkers(node: RollcallNode, n: number, timeoutMs = 60_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pids = node.workerPids();
    if (pids.length >= n) {
      const seen = new Set<number>();
      for (let i = 0; i < 4 * n && seen.size < pids.length; i++) {
        const owner = await connectionOwnerOfFreshConnection(node.port, pids);
        if (owner) seen.add(owner);
      }
      if (seen.size >= n) return pids;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${node.name} did not get back to ${n} workers taking connections within ${timeoutMs / 1000} s`);
}

function connectionOwnerOfFreshConnection(port: number, pids: number[]): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (owner: number | null) => {
      socket.destroy();
      resolve(owner);
    };
    socket.once("error", () => done(null));
    socket.once("connect", async () => {
      // The primary hands the connection over a moment after accepting it.
      for (let i = 0; i < 20; i++) {
        const owner = connectionOwner(port, socket.localPort!, pids);
        if (owner) return done(owner);
        await new Promise((r) => setTimeout(r, 25));
      }
      done(null);
    });
  });
}
