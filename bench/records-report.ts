import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

/**
 * `npm run bench:report`: the term report of a big course (SPEC §10: 500
 * students × 60 sessions = 30,000 records by default) on a fresh SQLite file,
 * seeded straight into the database. Times the report as the endpoint builds
 * it (and its JSON), the CSV exports, the history and one student's records,
 * next to a floor: reading the same 30,000 records with one prepared
 * better-sqlite3 statement and nothing else. Prints medians of --runs.
 */
const { values } = parseArgs({
  options: {
    students: { type: "string", default: "500" },
    sessions: { type: "string", default: "60" },
    runs: { type: "string", default: "7" },
  },
});
const STUDENTS = Number(values.students);
const SESSIONS = Number(values.sessions);
const RUNS = Math.max(1, Number(values.runs));

const dir = mkdtempSync(path.join(tmpdir(), "rollcall-bench-report-"));
process.env.DATABASE_PATH = path.join(dir, "report.db");
process.env.AUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-0123";

async function main() {
  const { sql } = await import("drizzle-orm");
  const { getDb, closeDb } = await import("@/lib/db/client");
  const { newId, newEnrollCode } = await import("@/lib/ids");
  const { findCourse } = await import("@/lib/courses/access");
  const { buildReport } = await import("@/lib/records/report");
  const { matrixCsv, courseCsv } = await import("@/lib/records/csv");
  const { staffHistory } = await import("@/lib/records/history");
  const { studentAttendance } = await import("@/lib/records/student");
  const { ALL_DATES } = await import("@/lib/records/range");

  const db = getDb();
  const teacher = { id: newId(), name: "Bench Teacher", email: "bench-teacher@rollcall.test", kind: "teacher" as const };
  const courseId = newId();
  const students = Array.from({ length: STUDENTS }, (_, i) => ({ id: newId(), name: `Student ${i + 1}`, email: `s${i + 1}@rollcall.test` }));
  const day = 86_400_000;
  const t0 = Date.UTC(2026, 8, 7, 8, 0);
  // A fixed pseudo-random sequence: every run seeds the same marks.
  let seed = 42;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pick = () => {
    const r = rand();
    return r < 0.75 ? "present" : r < 0.85 ? "late" : r < 0.95 ? "absent" : "excused";
  };

  const seedStart = performance.now();
  await db.transaction(async (tx) => {
    await tx.run(sql`INSERT INTO users (id, name, email, email_key, password_hash, kind, created_at)
                     VALUES (${teacher.id}, ${teacher.name}, ${teacher.email}, ${teacher.email}, NULL, 'teacher', ${t0})`);
    await tx.run(sql`INSERT INTO courses (id, name, code, term, enroll_code, auto_approve, time_zone, late_credit, warn_below_percent, owner_id, created_at)
                     VALUES (${courseId}, 'Big Lecture', 'BIG1', 'Fall 2026', ${newEnrollCode()}, ${true}, 'Europe/Berlin', 0.5, 80, ${teacher.id}, ${t0})`);
    await tx.run(sql`INSERT INTO course_staff (id, course_id, user_id, role, created_at) VALUES (${newId()}, ${courseId}, ${teacher.id}, 'owner', ${t0})`);
    for (const s of students) {
      await tx.run(sql`INSERT INTO users (id, name, email, email_key, password_hash, kind, created_at)
                       VALUES (${s.id}, ${s.name}, ${s.email}, ${s.email}, NULL, 'student', ${t0})`);
      await tx.run(sql`INSERT INTO enrollments (course_id, student_id, status, created_at, updated_at) VALUES (${courseId}, ${s.id}, 'approved', ${t0}, ${t0})`);
    }
    for (let i = 0; i < SESSIONS; i++) {
      const id = newId();
      const start = t0 + Math.floor(i / 2) * 7 * day + (i % 2) * 2 * day;
      await tx.run(sql`INSERT INTO sessions (id, course_id, title, status, started_at, ended_at, late_after_minutes, rotation_seconds,
                                             code_rotation_seconds, secret, code_epoch, code_anchor_at, started_by, ended_by)
                       VALUES (${id}, ${courseId}, ${`Lecture ${i + 1}`}, 'ended', ${start}, ${start + 90 * 60_000}, 10, 10, 30, 'x', 0, ${start}, ${teacher.id}, ${teacher.id})`);
      for (const s of students) {
        const status = pick();
        const method = status === "present" || status === "late" ? "qr" : status === "absent" ? "auto" : "manual";
        const checkedIn = method === "qr" ? start + Math.floor(rand() * 20 * 60_000) : null;
        await tx.run(sql`INSERT INTO attendance_records (session_id, student_id, status, method, checked_in_at, late_minutes, marked_by, flagged, created_at, updated_at)
                         VALUES (${id}, ${s.id}, ${status}, ${method}, ${checkedIn}, ${status === "late" ? 12 : null},
                                 ${method === "qr" ? null : teacher.id}, ${false}, ${start}, ${start})`);
      }
    }
  });
  const seeded = performance.now() - seedStart;
  const course = (await findCourse(courseId))!;
  const actor = { ...teacher };

  const raw = (db as import("@/lib/db/sqlite").SqliteDatabase).sqlite;
  const floorStmt = raw.prepare(`SELECT r.session_id, r.student_id, r.status FROM attendance_records r JOIN sessions s ON s.id = r.session_id WHERE s.course_id = ?`);

  const measure = async (label: string, fn: () => Promise<unknown> | unknown) => {
    await fn(); // warm: statements prepared, pages cached
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await fn();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { label, median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] };
  };

  let rows = 0;
  let jsonBytes = 0;
  let csvBytes = 0;
  const results = [
    await measure("floor: read the records (one statement)", () => (rows = floorStmt.all(courseId).length)),
    await measure("report (3 queries + assembly)", () => buildReport(course, ALL_DATES)),
    await measure("report + JSON.stringify (the endpoint)", async () => (jsonBytes = JSON.stringify(await buildReport(course, ALL_DATES)).length)),
    await measure("CSV matrix", async () => (csvBytes = matrixCsv(course, await buildReport(course, ALL_DATES)).length)),
    await measure("CSV records layout", () => courseCsv(actor, courseId, { ...ALL_DATES, layout: "records" })),
    await measure("sessions history (staff)", () => staffHistory(course, ALL_DATES)),
    await measure("one student's records", () => studentAttendance(actor, courseId, students[0].id)),
  ];

  const floor = results[0].median;
  console.log(`\nReport benchmark: ${STUDENTS} students × ${SESSIONS} sessions = ${rows.toLocaleString("en-US")} records (seeded in ${(seeded / 1000).toFixed(1)} s)`);
  console.log(`report JSON ${(jsonBytes / 1024).toFixed(0)} KiB, matrix CSV ${(csvBytes / 1024).toFixed(0)} KiB; ${RUNS} runs after one warm-up, times in ms\n`);
  console.log(`${"".padEnd(42)}${"median".padStart(9)}${"min".padStart(9)}${"max".padStart(9)}${"× floor".padStart(10)}`);
  for (const r of results) {
    console.log(`${r.label.padEnd(42)}${r.median.toFixed(1).padStart(9)}${r.min.toFixed(1).padStart(9)}${r.max.toFixed(1).padStart(9)}${(r.median / floor).toFixed(1).padStart(10)}`);
  }
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
