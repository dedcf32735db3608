import { getDb } from "./db/client";
import { getEnv } from "./env";
import { processSingleton } from "./process-store";

/**
 * What `GET /api/health` reports (SPEC §11): the database always, and every
 * shared service this process uses (Redis registers itself when configured).
 * Each check gets a short deadline, so a dead dependency answers 503 quickly
 * instead of hanging the load balancer's probe.
 */
export type HealthCheck = () => Promise<void>;

const CHECK_TIMEOUT_MS = 2000;

const checks = () => processSingleton("health.checks", () => new Map<string, HealthCheck>([["db", () => getDb().ping()]]));

/** Adds (or replaces) a named dependency; its name becomes a field of the report. Returns the undo. */
export function registerHealthCheck(name: string, check: HealthCheck): () => void {
  const previous = checks().get(name);
  checks().set(name, check);
  return () => {
    if (previous) checks().set(name, previous);
    else checks().delete(name);
  };
}

export type HealthReport = { ok: boolean; version: string; node: string } & Record<string, string | boolean>;

function withDeadline(check: HealthCheck): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
  });
  return Promise.race([check(), deadline]).finally(() => clearTimeout(timer));
}

export async function checkHealth(version: string): Promise<HealthReport> {
  const entries = [...checks()];
  const results = await Promise.allSettled(entries.map(([, check]) => withDeadline(check)));
  const report: HealthReport = { ok: true, version, node: getEnv().NODE_NAME };
  entries.forEach(([name], i) => {
    const up = results[i].status === "fulfilled";
    report[name] = up ? "ok" : "error";
    if (!up) report.ok = false;
  });
  return report;
}
