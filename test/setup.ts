import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { inject } from "vitest";

// Every test file gets its own real database; nothing is mocked. SQLite by
// default; with `npm run test:pg`, a database of its own on the run's throwaway
// PostgreSQL (test/pg-global-setup.ts), migrated by the app on first use.
const dir = mkdtempSync(path.join(tmpdir(), "rollcall-test-"));
process.env.DATABASE_PATH = path.join(dir, "test.db");
process.env.AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123456789";
process.env.APP_URL = "http://localhost:3999";
process.env.NEXT_TELEMETRY_DISABLED = "1";
delete process.env.DATABASE_URL;

if (process.env.ROLLCALL_TEST_ENGINE === "postgres") {
  const server = new URL(inject("postgresUrl"));
  const name = `rollcall_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(server.toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  server.pathname = `/${name}`;
  process.env.DATABASE_URL = server.toString();
}
