import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * The production server as Playwright's webServer: a fresh build (unless
 * E2E_SKIP_BUILD=1), a fresh database with the demo data, and a few test-only
 * paths (e2e/support/server-paths.ts): the server clock, new accounts and their tokens.
 */
process.env.NEXT_TELEMETRY_DISABLED = "1";
const port = Number(process.env.E2E_PORT ?? 3210);
process.env.PORT = String(port);
process.env.APP_URL ??= `http://localhost:${port}`;
process.env.DATABASE_PATH = path.join(mkdtempSync(path.join(tmpdir(), "rollcall-e2e-")), "e2e.db");

async function main() {
  if (process.env.E2E_SKIP_BUILD !== "1") {
    const r = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { stdio: "inherit", env: process.env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const { getDb } = await import("@/lib/db/client");
  const { seedDemo } = await import("@/lib/seed/demo");
  const { e2ePaths } = await import("./support/server-paths");
  const { startServer } = await import("@/server/index");
  await seedDemo(getDb());
  const server = await startServer({ port, quiet: true, intercept: e2ePaths });
  console.log(`e2e server ready on ${server.url}`);
  const stop = () => server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

void main();
