import { writeFileSync } from "node:fs";
import { hashPassword } from "@/lib/auth/password";
import { issueToken } from "@/lib/auth/tokens";
import { getDb } from "@/lib/db/client";
import { seedCourse } from "@/lib/seed/demo";
import type { SqliteDatabase } from "@/lib/db/sqlite";
import { getEnv } from "@/lib/env";
import { newEnrollCode, newId } from "@/lib/ids";
import { getIo } from "@/lib/realtime/io";
import { setLimiterBackend } from "@/lib/limits/store";
import { startServer } from "@/server/index";
import { onStop, requiredEnv, sendReady, type BenchStudent, type Roster } from "./child-protocol";
import { requestLog } from "./request-log";
import { benchStats } from "./server-stats";

/**
 * The production Rollcall server (Next build + Socket.IO, `startServer` as
 * `npm start` runs it) over a fresh database seeded with one course of N
 * students, plus the bench-only `/__bench/stats` path.
 */
const PASSWORD = "bench-password";

async function seed(count: number): Promise<Roster> {
  const db = getDb();
  // One scrypt hash for every account: hashing 3,000 passwords would take minutes and measure nothing.
  const passwordHash = await hashPassword(PASSWORD);
  const teacher = { id: newId(), name: "Bench Teacher", email: "teacher@bench.test", kind: "teacher" as const };
  const courseId = newId();
  const students = Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(5, "0");
    return { id: newId(), name: `Student ${n}`, email: `student${n}@bench.test`, kind: "student" as const };
  });
  const course = { id: courseId, name: "Lecture Hall Benchmark", code: "BENCH1", term: "Bench", enrollCode: newEnrollCode() };
  await db.transaction((tx) => seedCourse(tx, { teacher, students, course, passwordHash }));
  // The very function POST /api/token calls after checking the password.
  const withTokens: BenchStudent[] = await Promise.all(
    students.map(async (s) => ({ id: s.id, name: s.name, email: s.email, token: (await issueToken(s)).token })),
  );
  return {
    students: withTokens,
    teacher: { id: teacher.id, email: teacher.email, password: PASSWORD, token: null },
    studentPassword: PASSWORD,
    courseId,
    sessionId: null,
  };
}

/** A limiter that never refuses: the same interface, no budget. */
function unlimited(o: { points: number }) {
  const res = { msBeforeNext: 0, remainingPoints: o.points, consumedPoints: 0, isFirstInDuration: true };
  const ok = async () => ({ ...res, toJSON: () => res }) as never;
  return { points: o.points, consume: ok, penalty: ok, reward: ok, block: ok, get: async () => null, delete: async () => true };
}

async function main() {
  const rosterFile = requiredEnv("BENCH_ROSTER");
  const count = Number(requiredEnv("BENCH_STUDENTS"));
  const env = getEnv();
  // bench/socket-flood.ts compares with every rate limit off (how the server was before issue 11).
  if (process.env.BENCH_LIMITS === "off") setLimiterBackend(unlimited);
  const stats = benchStats(() => getIo()?.engine.clientsCount ?? 0);

  const seedStart = performance.now();
  const roster = await seed(count);
  // Both bench servers start the minute with an empty write-ahead log, so neither pays less per fsync for a log its seeding already grew.
  (getDb() as SqliteDatabase).sqlite.pragma("wal_checkpoint(TRUNCATE)");
  writeFileSync(rosterFile, JSON.stringify(roster));
  const seedMs = performance.now() - seedStart;

  const served = requestLog();
  const server = await startServer({ port: env.PORT, hostname: "127.0.0.1", quiet: true, intercept: (req, res) => stats.intercept(req, res) || served(req, res) });
  onStop(server.close);
  stats.reset();
  sendReady({ type: "ready", url: `http://127.0.0.1:${server.port}`, rosterFile, dbPath: env.DATABASE_PATH, seedMs });
}

main().catch((err) => {
  console.error("[bench] Rollcall server failed to start:", err);
  process.exit(1);
});
