import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "./env";

describe("loadEnv", () => {
  it("generates AUTH_SECRET once beside the database and reuses it, so sign-ins survive restarts", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rollcall-env-"));
    const DATABASE_PATH = path.join(dir, "rollcall.db");
    const first = loadEnv({ DATABASE_PATH });
    const second = loadEnv({ DATABASE_PATH });
    expect(first.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(second.AUTH_SECRET).toBe(first.AUTH_SECRET);
    const file = path.join(dir, "auth-secret");
    expect(readFileSync(file, "utf8").trim()).toBe(first.AUTH_SECRET);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(first.APP_URL).toBe("http://localhost:3000");
  });

  it("stops with one clear line for a bad value", () => {
    expect(() => loadEnv({ PORT: "abc" })).toThrow(EnvError);
    expect(() => loadEnv({ PORT: "abc" })).toThrow("Invalid setting PORT: must be a port number");
    expect(() => loadEnv({ APP_URL: "ftp://x" })).toThrow(/APP_URL/);
    expect(() => loadEnv({ AUTH_SECRET: "short", DATABASE_PATH: "/tmp/x.db" })).toThrow(/AUTH_SECRET/);
    expect(() => loadEnv({ ALLOW_TEACHER_SIGNUP: "maybe", AUTH_SECRET: "x".repeat(40) })).toThrow(/ALLOW_TEACHER_SIGNUP/);
    expect(() => loadEnv({ DATABASE_URL: "mysql://db/rollcall", AUTH_SECRET: "x".repeat(40) })).toThrow(
      "Invalid setting DATABASE_URL: must be a PostgreSQL URL, e.g. postgres://rollcall:secret@db.example.edu:5432/rollcall",
    );
    expect(() => loadEnv({ DATABASE_URL: "not a url", AUTH_SECRET: "x".repeat(40) })).toThrow(/DATABASE_URL/);
  });

  it("uses the embedded SQLite file unless DATABASE_URL names a PostgreSQL server", () => {
    const secret = { AUTH_SECRET: "x".repeat(40) };
    expect(loadEnv(secret).DATABASE_URL).toBeNull();
    expect(loadEnv({ ...secret, DATABASE_URL: "" }).DATABASE_URL).toBeNull();
    expect(loadEnv({ ...secret, DATABASE_URL: "postgres://rollcall:pw@db.example.edu/rollcall" }).DATABASE_URL).toBe("postgres://rollcall:pw@db.example.edu/rollcall");
    expect(loadEnv({ ...secret, DATABASE_URL: "postgresql://db:5433/x" }).DATABASE_URL).toBe("postgresql://db:5433/x");
  });

  it("names this process for /api/health: NODE_NAME, else host name and process id", () => {
    const secret = { AUTH_SECRET: "x".repeat(40) };
    expect(loadEnv({ ...secret, NODE_NAME: "node-a" }).NODE_NAME).toBe("node-a");
    expect(loadEnv(secret).NODE_NAME).toBe(`${hostname()}:${process.pid}`);
  });
});
