import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { openDb } from "@/lib/db/client";
import { describePostgresError } from "@/lib/db/postgres";
import { describeDemo, seedDemo } from "@/lib/seed/demo";
import { EnvError, getEnv } from "@/lib/env";
import { selfSignedCertificate } from "./https";
import { describePhoneAddress } from "./phone-address";
import { startServer } from "./index";

process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const args = new Set(process.argv.slice(2));
const dev = args.has("--dev");
// Before the settings are read: the address chosen for phones carries the scheme.
if (args.has("--https")) process.env.HTTPS = "true";

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
  if (!dev && !existsSync(path.join(env.NEXT_DIST_DIR, "BUILD_ID"))) {
    console.log("rollcall: no production build yet; running `next build` (a minute or two, once)…");
    const r = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { stdio: "inherit", env: process.env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const summary = await seedDemo(db);
  if (summary) console.log(describeDemo(summary));

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
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err) => {
  console.error("rollcall: failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
