import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// Every test file gets its own real SQLite file; nothing is mocked.
const dir = mkdtempSync(path.join(tmpdir(), "rollcall-test-"));
process.env.DATABASE_PATH = path.join(dir, "test.db");
process.env.AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123456789";
process.env.APP_URL = "http://localhost:3999";
process.env.NEXT_TELEMETRY_DISABLED = "1";
