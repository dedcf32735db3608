import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * The production server as Playwright's webServer: a fresh build (unless
 * E2E_SKIP_BUILD=1), a fresh database with the demo data, and one test-only
 * path, /__e2e/clock, that moves the server clock (SPEC: injectable clock).
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
  const { advanceClock, clockOffset, setClockOffset } = await import("@/lib/clock");
  const { startServer } = await import("@/server/index");
  await seedDemo(getDb());
  const server = await startServer({
    port,
    quiet: true,
    intercept(req, res) {
      if (!req.url?.startsWith("/__e2e/clock")) return false;
      const url = new URL(req.url, "http://x");
      const advance = url.searchParams.get("advanceMs");
      if (url.searchParams.has("reset")) setClockOffset(0);
      else if (advance) advanceClock(Number(advance));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ offsetMs: clockOffset() }));
      return true;
    },
  });
  console.log(`e2e server ready on ${server.url}`);
  const stop = () => server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

void main();
