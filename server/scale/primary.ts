import cluster, { type Worker } from "node:cluster";
import { setupPrimary as setupClusterAdapter } from "@socket.io/cluster-adapter";
import { clusterLimiterPrimary } from "@/lib/limits/shared";
import type { Env } from "@/lib/env";
import { ipcBroadcast, ipcServe } from "./ipc";
import { presencePrimary } from "./presence-ipc";

/**
 * The primary of WORKERS=<n> (SPEC §11). It serves no request itself: it owns
 * the port (Node's cluster hands each new TCP connection to a worker, round
 * robin, and a connection stays on its worker for life — a WebSocket too),
 * forks the workers, replaces one that dies, and keeps what they share when
 * there is no Redis: Socket.IO's cluster adapter relay, the rate-limit
 * counters and the presence count. It also keeps the map of the workers'
 * private ports for long-polling (server/scale/polling.ts).
 *
 * On SIGTERM or SIGINT it asks every worker to drain (each stops accepting,
 * lets its check-ins commit, closes its sockets) and exits when they have.
 */
export type PrimaryOptions = {
  workers: number;
  env: Env;
  /** Called once, when every worker first serves, with the port. */
  onListening?: (port: number) => void;
  log?: (line: string) => void;
};

/** A worker that lived less than this was not healthy: the next one waits longer. */
const QUICK_EXIT_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;
/** Workers that fail this many times in a row before any served: the start has failed. */
const GIVE_UP_AFTER = 3;
/** How long the workers get to drain before they are killed. */
const STOP_MS = 20_000;

export function runPrimary(opts: PrimaryOptions): { stop: (signal: string) => Promise<void> } {
  const log = opts.log ?? ((line: string) => console.log(line));
  if (!opts.env.REDIS_URL) {
    setupClusterAdapter();
    clusterLimiterPrimary();
    presencePrimary();
  }

  const ports: Record<string, number> = {};
  ipcServe("polling.register", ([port], worker) => {
    if (typeof port === "number") ports[worker.id] = port;
    ipcBroadcast("polling.ports", ports);
    return ports;
  });

  let stopping = false;
  let quickExits = 0;
  let failedBeforeServing = 0;
  const bornAt = new Map<number, number>();
  let announced = false;

  const fork = (): Worker => {
    const worker = cluster.fork();
    bornAt.set(worker.id, Date.now());
    return worker;
  };

  const ready = new Set<number>();
  ipcServe("worker.ready", ([port], worker) => {
    ready.add(worker.id);
    if (!announced && ready.size >= opts.workers && typeof port === "number") {
      announced = true;
      opts.onListening?.(port);
    }
  });

  cluster.on("exit", (worker, code, signal) => {
    delete ports[worker.id];
    ipcBroadcast("polling.ports", ports);
    const lived = Date.now() - (bornAt.get(worker.id) ?? 0);
    bornAt.delete(worker.id);
    if (stopping) return;
    const served = ready.delete(worker.id);
    // A worker that died before it served, or soon after, was not healthy: the next one waits longer.
    quickExits = !served || lived < QUICK_EXIT_MS ? quickExits + 1 : 0;
    failedBeforeServing = served ? 0 : failedBeforeServing + 1;
    // None has ever served and they keep failing (the port is taken, say): replacing them forever would hide it.
    if (!announced && failedBeforeServing >= GIVE_UP_AFTER) {
      stopping = true;
      log(`rollcall: the workers keep failing before they serve (${failedBeforeServing} in a row); stopping`);
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGKILL");
      process.exit(1);
    }
    const wait = quickExits === 0 ? 0 : Math.min(MAX_BACKOFF_MS, 500 * 2 ** (quickExits - 1));
    log(`rollcall: worker ${worker.process.pid} ${signal ? `was killed (${signal})` : `exited (code ${code})`}; starting another${wait ? ` in ${(wait / 1000).toFixed(1)} s` : ""}`);
    // Not unref'd: with every worker gone, this timer is what keeps the primary alive.
    setTimeout(() => {
      if (!stopping) fork();
    }, wait);
  });

  for (let i = 0; i < opts.workers; i++) fork();

  let stopped: Promise<void> | null = null;
  return {
    stop: (signal) =>
      (stopped ??= new Promise<void>((resolve) => {
        stopping = true;
        const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
        log(`rollcall: ${signal}, draining ${alive.length} worker(s)…`);
        if (alive.length === 0) return resolve();
        let left = alive.length;
        const force = setTimeout(() => {
          for (const w of alive) if (!w.isDead()) w.process.kill("SIGKILL");
        }, STOP_MS);
        force.unref();
        for (const w of alive) {
          w.once("exit", () => {
            if (--left === 0) {
              clearTimeout(force);
              resolve();
            }
          });
          w.process.kill("SIGTERM");
        }
      })),
  };
}
