import type { TestProject } from "vitest/node";
import { startPostgres } from "./services/postgres";

/**
 * `npm run test:pg`: one throwaway PostgreSQL for the whole run (test/services/postgres.ts);
 * every test file then creates its own database on it (test/setup.ts). Stopped
 * and deleted at the end, also when tests fail or the run is interrupted.
 */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const pg = await startPostgres({ root: process.env.ROLLCALL_PG_ROOT });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    pg.stop();
  };
  // Teardown does not run when the process is killed; these do for the usual signals.
  process.once("exit", stop);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      stop();
      process.exit(130);
    });
  }
  console.log(`PostgreSQL for this run: ${pg.url} (data in ${pg.dataDir}, up in ${Date.now() - started} ms)`);
  project.provide("postgresUrl", pg.url);
  return stop;
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
