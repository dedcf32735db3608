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

describe("single sign-on settings", () => {
  const base = { AUTH_SECRET: "x".repeat(40), DATABASE_PATH: "/tmp/rollcall-env-sso.db", APP_URL: "https://rollcall.example.edu" };
  const oidc = { AUTH_OIDC_ISSUER: "https://login.example.edu/realms/campus/", AUTH_OIDC_ID: "rollcall", AUTH_OIDC_SECRET: "s3cret" };

  it("switches nothing on when no variable is set (empty ones count as unset)", () => {
    expect(loadEnv(base).SSO).toEqual({ oidc: null, google: null, entra: null, emailDomains: null });
    expect(loadEnv({ ...base, AUTH_GOOGLE_ID: "", AUTH_OIDC_NAME: " ", SSO_EMAIL_DOMAINS: "" }).SSO.google).toBeNull();
  });

  it("reads each provider when all its variables are set", () => {
    const sso = loadEnv({
      ...base,
      ...oidc,
      AUTH_OIDC_NAME: "Example University",
      AUTH_GOOGLE_ID: "g-id",
      AUTH_GOOGLE_SECRET: "g-secret",
      AUTH_GOOGLE_HD: "Example.EDU",
      AUTH_ENTRA_ID: "e-id",
      AUTH_ENTRA_SECRET: "e-secret",
      AUTH_ENTRA_TENANT: "0b3c5a9e-1f2d-4c6b-8a7e-9d0c1b2a3f4e",
      SSO_EMAIL_DOMAINS: "example.edu, @CS.example.edu",
    }).SSO;
    expect(sso.oidc).toEqual({ issuer: "https://login.example.edu/realms/campus", clientId: "rollcall", clientSecret: "s3cret", name: "Example University" });
    expect(sso.google).toEqual({ clientId: "g-id", clientSecret: "g-secret", hostedDomain: "example.edu" });
    expect(sso.entra).toEqual({ clientId: "e-id", clientSecret: "e-secret", tenant: "0b3c5a9e-1f2d-4c6b-8a7e-9d0c1b2a3f4e" });
    expect(sso.emailDomains).toEqual(["example.edu", "cs.example.edu"]);
    expect(loadEnv({ ...base, ...oidc }).SSO.oidc?.name).toBe("your university account");
  });

  it("stops the start with one line for a half-configured provider", () => {
    expect(() => loadEnv({ ...base, AUTH_OIDC_ISSUER: oidc.AUTH_OIDC_ISSUER, AUTH_OIDC_ID: "x" })).toThrow(
      "Invalid setting AUTH_OIDC_SECRET: missing; single sign-on with OpenID Connect needs AUTH_OIDC_ISSUER, AUTH_OIDC_ID, AUTH_OIDC_SECRET (set AUTH_OIDC_ISSUER, AUTH_OIDC_ID)",
    );
    expect(() => loadEnv({ ...base, AUTH_OIDC_NAME: "Example University" })).toThrow(/^Invalid setting AUTH_OIDC_ISSUER: missing/);
    expect(() => loadEnv({ ...base, AUTH_GOOGLE_HD: "example.edu" })).toThrow(/^Invalid setting AUTH_GOOGLE_ID: missing; Google sign-in needs/);
    expect(() => loadEnv({ ...base, AUTH_ENTRA_ID: "a", AUTH_ENTRA_SECRET: "b" })).toThrow(/^Invalid setting AUTH_ENTRA_TENANT: missing/);
  });

  it("needs APP_URL (or NEXTAUTH_URL) set, not guessed, once a provider is on", () => {
    const unset = { AUTH_SECRET: base.AUTH_SECRET, DATABASE_PATH: base.DATABASE_PATH };
    expect(() => loadEnv({ ...unset, ...oidc })).toThrow(/^Invalid setting APP_URL: missing; single sign-on needs the public address/);
    expect(loadEnv({ ...unset, ...oidc, NEXTAUTH_URL: "https://rollcall.example.edu" }).SSO.oidc).not.toBeNull();
    expect(loadEnv(unset).SSO.oidc).toBeNull();
  });

  it("refuses values that cannot work", () => {
    expect(() => loadEnv({ ...base, ...oidc, AUTH_OIDC_ISSUER: "http://login.example.edu" })).toThrow(/AUTH_OIDC_ISSUER: must start with https:\/\//);
    expect(loadEnv({ ...base, ...oidc, AUTH_OIDC_ISSUER: "http://127.0.0.1:4000" }).SSO.oidc?.issuer).toBe("http://127.0.0.1:4000");
    expect(() => loadEnv({ ...base, ...oidc, AUTH_OIDC_ISSUER: "not a url" })).toThrow(/AUTH_OIDC_ISSUER/);
    for (const tenant of ["common", "Organizations", "consumers"]) {
      expect(() => loadEnv({ ...base, AUTH_ENTRA_ID: "a", AUTH_ENTRA_SECRET: "b", AUTH_ENTRA_TENANT: tenant })).toThrow(/AUTH_ENTRA_TENANT: must be your university's own tenant/);
    }
    expect(loadEnv({ ...base, AUTH_ENTRA_ID: "a", AUTH_ENTRA_SECRET: "b", AUTH_ENTRA_TENANT: "example.edu" }).SSO.entra?.tenant).toBe("example.edu");
    expect(() => loadEnv({ ...base, AUTH_GOOGLE_ID: "a", AUTH_GOOGLE_SECRET: "b", AUTH_GOOGLE_HD: "https://example.edu" })).toThrow(/AUTH_GOOGLE_HD: must be a domain/);
    expect(() => loadEnv({ ...base, SSO_EMAIL_DOMAINS: "example.edu, not a domain" })).toThrow(/SSO_EMAIL_DOMAINS/);
  });
});
