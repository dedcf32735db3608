import { spawnSync } from "node:child_process";
import cluster from "node:cluster";
import { existsSync } from "node:fs";
import path from "node:path";
import { closeDb, openDb } from "@/lib/db/client";
import { describePostgresError } from "@/lib/db/postgres";
import { closeRedis, describeRedisError, redisReady } from "@/lib/redis";
import { describeDemo, seedDemo } from "@/lib/seed/demo";
import { EnvError, getEnv } from "@/lib/env";
import { selfSignedCertificate } from "./https";
import { describePhoneAddress } from "./phone-address";
import { startServer } from "./index";
import { runPrimary } from "./scale/primary";

process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const args = new Set(process.argv.slice(2));
const dev = args.has("--dev");
// Before the settings are read: the address chosen for phones carries the scheme.
if (args.has("--https")) process.env.HTTPS = "true";

/** A worker of WORKERS=<n>: the primary has migrated, built and seeded; this serves. */
async function worker() {
  const env = getEnv();
  const https = env.HTTPS ? await selfSignedCertificate(path.dirname(env.DATABASE_PATH)) : undefined;
  const server = await startServer({ dev, https, quiet: true });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    server.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  // Ctrl-C reaches every process of the terminal: the primary speaks for them.
  process.on("SIGINT", stop);
}

async function main() {
  let env;
  try {
    env = getEnv();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(`rollcall: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  // Before the build: an unreachable database should say so at once, in one line.
  let db;
  try {
    db = await openDb();
  } catch (e) {
    console.error(`rollcall: ${env.DATABASE_URL ? describePostgresError(e, env.DATABASE_URL) : `cannot open the database at ${env.DATABASE_PATH}: ${e instanceof Error ? e.message : String(e)}`}`);
    process.exit(1);
  }
  // Likewise Redis, shared by the nodes (SPEC §11).
  if (env.REDIS_URL) {
    try {
      await redisReady();
    } catch (e) {
      console.error(`rollcall: ${describeRedisError(e, env.REDIS_URL)}`);
      process.exit(1);
    }
  }
  if (!dev && !existsSync(path.join(env.NEXT_DIST_DIR, "BUILD_ID"))) {
    console.log("rollcall: no production build yet; running `next build` (a minute or two, once)…");
    const r = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { stdio: "inherit", env: process.env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const summary = await seedDemo(db);
  if (summary) console.log(describeDemo(summary));

  if (env.WORKERS > 1 && dev) console.log("rollcall: WORKERS is ignored with --dev (one development server)");
  if (env.WORKERS > 1 && !dev) {
    // The workers open their own connections; the primary keeps none (server/scale/primary.ts).
    await closeDb();
    await closeRedis();
    const scheme = env.HTTPS ? "https" : "http";
    // Made once here, so the workers read one certificate instead of racing to write it.
    if (env.HTTPS) await selfSignedCertificate(path.dirname(env.DATABASE_PATH));
    const primary = runPrimary({
      workers: env.WORKERS,
      env,
      onListening: (port) => {
        console.log(`Rollcall is running at ${scheme}://localhost:${port} (${env.WORKERS} workers)`);
        for (const line of describePhoneAddress(env, scheme, port)) console.log(line);
      },
    });
    const stop = (signal: string) => void primary.stop(signal).then(() => process.exit(0));
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
    return;
  }

  const https = env.HTTPS ? await selfSignedCertificate(path.dirname(env.DATABASE_PATH)) : undefined;
  const server = await startServer({ dev, https });
  const scheme = https ? "https" : "http";
  console.log(`Rollcall is running at ${scheme}://localhost:${server.port}`);
  for (const line of describePhoneAddress(env, scheme, server.port)) console.log(line);
  if (https) console.log(`  self-signed certificate: ${https.file}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`rollcall: ${signal}, shutting down…`);
    // The drain takes at most a few seconds (server/drain.ts); past this something hangs.
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    server.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

(cluster.isWorker ? worker() : main()).catch((err) => {
  console.error("rollcall: failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
