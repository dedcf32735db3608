import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { availableParallelism, hostname, tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, loadEnv, phoneReach } from "./env";
import type { NetworkView } from "./network";

const wifi: NetworkView = {
  interfaces: {
    lo: [{ address: "127.0.0.1", family: "IPv4", internal: true, netmask: "255.0.0.0", mac: "00:00:00:00:00:00", cidr: "127.0.0.1/8" }],
    docker0: [{ address: "172.17.0.1", family: "IPv4", internal: false, netmask: "255.255.0.0", mac: "02:42:00:00:00:01", cidr: "172.17.0.1/16" }],
    wlan0: [{ address: "192.168.1.23", family: "IPv4", internal: false, netmask: "255.255.255.0", mac: "02:00:00:00:00:02", cidr: "192.168.1.23/24" }],
  },
  defaultRoute: null,
};
const offline: NetworkView = { interfaces: { lo: wifi.interfaces.lo }, defaultRoute: null };

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
  });

  it("gives phones this computer's LAN address when APP_URL is unset, and says so when there is none", () => {
    const secret = { AUTH_SECRET: "x".repeat(40) };
    const lan = loadEnv(secret, () => wifi);
    expect(lan).toMatchObject({ APP_URL: "http://192.168.1.23:3000", APP_URL_SOURCE: "lan" });
    expect(lan.LAN_ADDRESSES.map((a) => a.interface)).toEqual(["wlan0", "docker0"]);
    expect(phoneReach(lan)).toEqual({ host: "192.168.1.23:3000", problem: "plain_http" });
    expect(loadEnv({ ...secret, HTTPS: "true", PORT: "8443" }, () => wifi).APP_URL).toBe("https://192.168.1.23:8443");
    expect(phoneReach(loadEnv({ ...secret, HTTPS: "true" }, () => wifi)).problem).toBeNull();

    const alone = loadEnv(secret, () => offline);
    expect(alone).toMatchObject({ APP_URL: "http://localhost:3000", APP_URL_SOURCE: "loopback", LAN_ADDRESSES: [] });
    expect(phoneReach(alone)).toEqual({ host: "localhost:3000", problem: "loopback" });

    // A setting wins, and the network is not even looked at.
    const set = loadEnv({ ...secret, APP_URL: "https://rollcall.example.edu/" }, () => {
      throw new Error("not asked");
    });
    expect(set).toMatchObject({ APP_URL: "https://rollcall.example.edu", APP_URL_SOURCE: "setting", LAN_ADDRESSES: [] });
    expect(phoneReach(set)).toEqual({ host: "rollcall.example.edu", problem: null });
    // Set to localhost on purpose (a demo on one machine): no banner, but no LAN advice either.
    expect(phoneReach(loadEnv({ ...secret, APP_URL: "http://localhost:3000" })).problem).toBeNull();
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

  it("runs one process unless WORKERS says how many (or auto: one per core), and uses Redis only with REDIS_URL", () => {
    const secret = { AUTH_SECRET: "x".repeat(40) };
    expect(loadEnv(secret).WORKERS).toBe(1);
    expect(loadEnv({ ...secret, WORKERS: "" }).WORKERS).toBe(1);
    expect(loadEnv({ ...secret, WORKERS: "4" }).WORKERS).toBe(4);
    expect(loadEnv({ ...secret, WORKERS: "auto" }).WORKERS).toBe(availableParallelism());
    expect(() => loadEnv({ ...secret, WORKERS: "0" })).toThrow(/^Invalid setting WORKERS/);
    expect(() => loadEnv({ ...secret, WORKERS: "many" })).toThrow(/^Invalid setting WORKERS/);
    expect(loadEnv(secret).REDIS_URL).toBeNull();
    expect(loadEnv({ ...secret, REDIS_URL: "redis://:pw@cache:6379/0" }).REDIS_URL).toBe("redis://:pw@cache:6379/0");
    expect(loadEnv({ ...secret, REDIS_URL: "rediss://cache" }).REDIS_URL).toBe("rediss://cache");
    expect(() => loadEnv({ ...secret, REDIS_URL: "http://cache" })).toThrow("Invalid setting REDIS_URL: must be a Redis URL, e.g. redis://:secret@cache.example.edu:6379/0");
  });
});
