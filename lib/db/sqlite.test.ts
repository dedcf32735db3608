import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openSqlite } from "./sqlite";

describe("openSqlite", () => {
  const db = openSqlite(path.join(mkdtempSync(path.join(tmpdir(), "rollcall-db-")), "t.db"));
  const c = db.sqlite;

  it("applies the pragmas the spec requires", () => {
    expect(c.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(c.pragma("synchronous", { simple: true })).toBe(2); // FULL
    expect(c.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(c.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("keeps audit events append-only and one active session per course", () => {
    c.prepare("INSERT INTO audit_events (at, entity, action) VALUES (1, 'session', 'start')").run();
    expect(() => c.prepare("UPDATE audit_events SET action = 'x'").run()).toThrow(/append-only/);
    expect(() => c.prepare("DELETE FROM audit_events").run()).toThrow(/append-only/);

    c.prepare("INSERT INTO users (id, name, email, email_key, password_hash, kind, created_at) VALUES ('u', 'T', 't@x', 't@x', 'h', 'teacher', 1)").run();
    c.prepare("INSERT INTO courses (id, name, enroll_code, owner_id, created_at) VALUES ('c', 'C', 'ABCDEFGH', 'u', 1)").run();
    const start = c.prepare(
      `INSERT INTO sessions (id, course_id, title, status, started_at, late_after_minutes, rotation_seconds, code_rotation_seconds, secret, code_anchor_at)
       VALUES (?, 'c', 't', ?, 1, 10, 10, 30, 's', 1)`,
    );
    start.run("s1", "active");
    expect(() => start.run("s2", "active")).toThrow(/UNIQUE/);
    start.run("s3", "ended");
  });
});
