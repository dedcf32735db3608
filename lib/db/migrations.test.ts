import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, openSqlite } from "./sqlite";

/** The migrations folder as it stood after the first `upTo` migrations. */
function migrationsUpTo(upTo: number): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "rollcall-migrations-")), "drizzle");
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalFile = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalFile, "utf8"));
  journal.entries = journal.entries.slice(0, upTo);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

describe("migrating an existing database", () => {
  it("keeps every record when a table is rebuilt, nulls auto-made titles and keeps one student per device", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "rollcall-migrate-")), "old.db");
    const old = openSqlite(file, migrationsUpTo(2));
    const c = old.sqlite;
    c.exec(`
      INSERT INTO users (id, name, email, email_key, password_hash, kind, created_at) VALUES
        ('t', 'T', 't@x', 't@x', 'h', 'teacher', 1), ('a', 'A', 'a@x', 'a@x', 'h', 'student', 1), ('b', 'B', 'b@x', 'b@x', 'h', 'student', 1);
      INSERT INTO courses (id, name, enroll_code, owner_id, created_at) VALUES ('c', 'C', 'ABCDEFGH', 't', 1);
      INSERT INTO sessions (id, course_id, title, status, started_at, late_after_minutes, rotation_seconds, code_rotation_seconds, secret, code_anchor_at) VALUES
        ('s1', 'c', 'Tue, Sep 1, 09:00 AM', 'ended', 1, 10, 10, 30, 'x', 1),
        ('s2', 'c', 'Sun, Nov 29, 11:15' || char(8239) || 'PM', 'ended', 1, 10, 10, 30, 'x', 1),
        ('s3', 'c', 'Lecture 4: Sorting', 'ended', 1, 10, 10, 30, 'x', 1);
      INSERT INTO attendance_records (session_id, student_id, status, method, device_id, created_at, updated_at) VALUES
        ('s1', 'a', 'present', 'qr', 'dev-1', 1, 1), ('s1', 'b', 'present', 'qr', 'dev-1', 2, 2), ('s3', 'a', 'late', 'code', 'dev-1', 1, 1);
    `);
    await old.close();

    const db = openSqlite(file);
    const s = db.sqlite;
    expect(s.prepare("SELECT count(*) FROM attendance_records").pluck().get()).toBe(3);
    expect(s.prepare("SELECT id, title FROM sessions ORDER BY id").all()).toEqual([
      { id: "s1", title: null },
      { id: "s2", title: null },
      { id: "s3", title: "Lecture 4: Sorting" },
    ]);
    expect(s.prepare("SELECT student_id, device_id FROM attendance_records WHERE session_id = 's1' ORDER BY student_id").all()).toEqual([
      { student_id: "a", device_id: "dev-1" },
      { student_id: "b", device_id: null },
    ]);
    expect(s.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(() =>
      s.prepare("INSERT INTO attendance_records (session_id, student_id, status, method, device_id, created_at, updated_at) VALUES ('s3', 'b', 'present', 'qr', 'dev-1', 3, 3)").run(),
    ).toThrow(/UNIQUE/);
    await db.close();
  });

  it("gives existing staff a member id and keeps users, enrollments, records and audit events through the term migration", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "rollcall-migrate-")), "term.db");
    const old = openSqlite(file, migrationsUpTo(3));
    old.sqlite.exec(`
      INSERT INTO users (id, name, email, email_key, password_hash, kind, created_at) VALUES
        ('t', 'T', 't@x', 't@x', 'h', 'teacher', 1), ('a', 'A', 'a@x', 'a@x', 'h', 'student', 1);
      INSERT INTO courses (id, name, enroll_code, owner_id, created_at) VALUES ('c', 'C', 'ABCDEFGH', 't', 1);
      INSERT INTO course_staff (course_id, user_id, role, created_at) VALUES ('c', 't', 'owner', 1);
      INSERT INTO enrollments (course_id, student_id, status, created_at, updated_at) VALUES ('c', 'a', 'approved', 1, 1);
      INSERT INTO sessions (id, course_id, title, status, started_at, late_after_minutes, rotation_seconds, code_rotation_seconds, secret, code_anchor_at)
        VALUES ('s1', 'c', NULL, 'ended', 1, 10, 10, 30, 'x', 1);
      INSERT INTO attendance_records (session_id, student_id, status, method, created_at, updated_at) VALUES ('s1', 'a', 'present', 'qr', 1, 1);
      INSERT INTO audit_events (at, actor_id, entity, action, session_id) VALUES (1, 'a', 'record', 'checkin', 's1');
    `);
    await old.close();

    const db = openSqlite(file);
    const s = db.sqlite;
    const count = (table: string) => s.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    expect([count("users"), count("enrollments"), count("attendance_records"), count("audit_events")]).toEqual([2, 1, 1, 1]);
    expect(s.prepare("SELECT id, user_id AS userId, role FROM course_staff").get()).toEqual({ id: expect.stringMatching(/^[0-9a-f]{12}$/), userId: "t", role: "owner" });
    expect(s.prepare("SELECT time_zone AS tz, late_credit AS lc, warn_below_percent AS warn, archived_at AS archived FROM courses").get()).toEqual({ tz: "UTC", lc: 1, warn: 80, archived: null });
    await db.close();
  });
});
