import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, hostname } from "node:os";
import path from "node:path";
import { z } from "zod";
import type { PhoneReach } from "./model/site";
import { currentNetwork, isLoopbackHost, rankLanAddresses, type LanAddress, type NetworkView } from "./network";
import { processSingleton, setProcessValue } from "./process-store";

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An issuer is fetched and trusted: TLS, except for a provider on this machine (tests, a local Keycloak). */
function isSafeIssuer(u: string): boolean {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return false;
  }
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const unsetWhenEmpty = (v: unknown) => (v === "" ? undefined : v);

const postgresUrl = z.preprocess(
  unsetWhenEmpty,
  z
    .string()
    .refine((u) => {
      try {
        const url = new URL(u);
        return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
      } catch {
        return false;
      }
    }, "must be a PostgreSQL URL, e.g. postgres://rollcall:secret@db.example.edu:5432/rollcall")
    .optional(),
);

const redisUrl = z.preprocess(
  unsetWhenEmpty,
  z
    .string()
    .refine((u) => {
      try {
        const url = new URL(u);
        return (url.protocol === "redis:" || url.protocol === "rediss:") && url.hostname !== "";
      } catch {
        return false;
      }
    }, "must be a Redis URL, e.g. redis://:secret@cache.example.edu:6379/0")
    .optional(),
);

const workers = z.preprocess(
  unsetWhenEmpty,
  z
    .union([z.literal("auto"), z.coerce.number({ message: 'must be a number of processes or "auto"' }).int().min(1).max(256)], {
      message: 'must be a number of processes (1–256) or "auto"',
    })
    .default(1),
);

const schema = z.object({
  DATABASE_PATH: z.string().min(1).default("./data/rollcall.db"),
  DATABASE_URL: postgresUrl,
  REDIS_URL: redisUrl,
  WORKERS: workers,
  NODE_NAME: z.preprocess(unsetWhenEmpty, z.string().max(100).optional()),
  PORT: z.coerce.number({ message: "must be a port number" }).int().min(0).max(65535).default(3000),
  APP_URL: z
    .url({ message: "must be an absolute http(s) URL, e.g. http://192.168.1.20:3000" })
    .refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://")
    .optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  ALLOW_TEACHER_SIGNUP: bool.default(true),
  TRUST_PROXY: bool.default(false),
  HTTPS: bool.default(false),
  NEXT_DIST_DIR: z.string().min(1).default(".next"),
});

// --- Single sign-on (SPEC §13): each provider is on when its variables are set, all of them or none.

const optionalText = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().max(2000).optional());

const ssoSchema = z.object({
  AUTH_OIDC_ISSUER: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z
      .url({ message: "must be the provider's issuer URL, e.g. https://login.example.edu/realms/campus" })
      .refine(isSafeIssuer, "must start with https:// (plain http only for a provider on this machine)")
      .optional(),
  ),
  AUTH_OIDC_ID: optionalText,
  AUTH_OIDC_SECRET: optionalText,
  AUTH_OIDC_NAME: optionalText.pipe(z.string().max(60, "must be at most 60 characters").optional()),
  AUTH_GOOGLE_ID: optionalText,
  AUTH_GOOGLE_SECRET: optionalText,
  AUTH_GOOGLE_HD: optionalText.pipe(z.string().regex(DOMAIN, "must be a domain, e.g. example.edu").optional()),
  AUTH_ENTRA_ID: optionalText,
  AUTH_ENTRA_SECRET: optionalText,
  AUTH_ENTRA_TENANT: optionalText.pipe(
    z
      .string()
      .refine((t) => !["common", "organizations", "consumers"].includes(t.toLowerCase()), "must be your university's own tenant (its ID or domain), not common, organizations or consumers")
      .refine((t) => GUID.test(t) || DOMAIN.test(t), "must be a tenant ID (a GUID) or the tenant's domain, e.g. example.edu")
      .optional(),
  ),
  SSO_EMAIL_DOMAINS: optionalText.pipe(
    z
      .string()
      .transform((v) => v.split(",").map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean))
      .refine((ds) => ds.every((d) => DOMAIN.test(d)), "must be e-mail domains separated by commas, e.g. example.edu,cs.example.edu")
      .optional(),
  ),
});

/** Which variables switch each provider on: all of them, or none. */
const SSO_GROUPS = [
  { what: "single sign-on with OpenID Connect", required: ["AUTH_OIDC_ISSUER", "AUTH_OIDC_ID", "AUTH_OIDC_SECRET"], optional: ["AUTH_OIDC_NAME"] },
  { what: "Google sign-in", required: ["AUTH_GOOGLE_ID", "AUTH_GOOGLE_SECRET"], optional: ["AUTH_GOOGLE_HD"] },
  { what: "Microsoft Entra ID sign-in", required: ["AUTH_ENTRA_ID", "AUTH_ENTRA_SECRET", "AUTH_ENTRA_TENANT"], optional: [] },
] as const;

export type Env = {
  /** The embedded SQLite file; also the folder for the generated AUTH_SECRET and the LAN certificate. */
  DATABASE_PATH: string;
  /** PostgreSQL instead of the embedded SQLite file (SPEC §11); null: SQLite. */
  DATABASE_URL: string | null;
  /** Redis for what several nodes share (SPEC §11: Socket.IO's adapter, rate limits, presence); null: none. */
  REDIS_URL: string | null;
  /** Processes serving the one port on this machine (SPEC §11); 1: the embedded single process. "auto": one per core. */
  WORKERS: number;
  /** What /api/health calls this process: NODE_NAME, else `<host name>:<process id>`. */
  NODE_NAME: string;
  PORT: number;
  /** The address phones use (the QR code and the join address carry it): the setting, else chosen at start. */
  APP_URL: string;
  /**
   * Where APP_URL came from: the setting; this machine's best LAN address (`lib/network.ts`); or loopback,
   * when the machine had no address a phone could reach (pages then say so).
   */
  APP_URL_SOURCE: "setting" | "lan" | "loopback";
  /** This machine's LAN addresses, best first, when APP_URL was not set (the first is APP_URL's). */
  LAN_ADDRESSES: LanAddress[];
  AUTH_SECRET: string;
  ALLOW_TEACHER_SIGNUP: boolean;
  /** Believe X-Forwarded-For (right-most entry): only behind a reverse proxy the operator runs. */
  TRUST_PROXY: boolean;
  /** Serve HTTPS with a self-signed certificate for the LAN (also `npm start -- --https`). */
  HTTPS: boolean;
  /** Where `next build` writes and the server reads the build. */
  NEXT_DIST_DIR: string;
  /** Single sign-on (SPEC §13); every provider null when none is configured. */
  SSO: SsoSettings;
};

export type OidcSettings = { issuer: string; clientId: string; clientSecret: string; name: string };
export type GoogleSettings = { clientId: string; clientSecret: string; hostedDomain: string | null };
export type EntraSettings = { clientId: string; clientSecret: string; tenant: string };
export type SsoSettings = {
  oidc: OidcSettings | null;
  google: GoogleSettings | null;
  entra: EntraSettings | null;
  /** SSO_EMAIL_DOMAINS, lower-cased; null when unset (any domain). */
  emailDomains: string[] | null;
};

export class EnvError extends Error {}

/**
 * Reads and validates the settings once per process. A missing AUTH_SECRET is
 * generated and kept beside the database so sign-ins survive restarts.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env, network: () => NetworkView = currentNetwork): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new EnvError(`Invalid setting ${String(first.path[0])}: ${first.message}`);
  }
  const v = parsed.data;
  const sso = loadSso(source);
  // A provider sends people back to one registered address: a guessed LAN address would fail every sign-in there.
  if (ssoEnabled(sso) && !v.APP_URL && !source.NEXTAUTH_URL?.trim()) {
    throw new EnvError(
      "Invalid setting APP_URL: missing; single sign-on needs the public address people open Rollcall at, e.g. https://rollcall.example.edu (providers send them back to APP_URL/api/auth/callback/<provider>)",
    );
  }
  const databasePath = path.resolve(v.DATABASE_PATH);
  const lan = v.APP_URL ? [] : rankLanAddresses(network());
  const scheme = v.HTTPS ? "https" : "http";
  return {
    DATABASE_PATH: databasePath,
    DATABASE_URL: v.DATABASE_URL ?? null,
    REDIS_URL: v.REDIS_URL ?? null,
    WORKERS: v.WORKERS === "auto" ? availableParallelism() : v.WORKERS,
    NODE_NAME: v.NODE_NAME ?? `${hostname()}:${process.pid}`,
    PORT: v.PORT,
    APP_URL: (v.APP_URL ?? `${scheme}://${lan[0]?.address ?? "localhost"}:${v.PORT}`).replace(/\/+$/, ""),
    APP_URL_SOURCE: v.APP_URL ? "setting" : lan.length ? "lan" : "loopback",
    LAN_ADDRESSES: lan,
    AUTH_SECRET: v.AUTH_SECRET ?? persistedSecret(path.dirname(databasePath)),
    ALLOW_TEACHER_SIGNUP: v.ALLOW_TEACHER_SIGNUP,
    TRUST_PROXY: v.TRUST_PROXY,
    HTTPS: v.HTTPS,
    NEXT_DIST_DIR: v.NEXT_DIST_DIR,
    SSO: sso,
  };
}

function loadSso(source: Record<string, string | undefined>): SsoSettings {
  const parsed = ssoSchema.safeParse(source);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new EnvError(`Invalid setting ${String(first.path[0])}: ${first.message}`);
  }
  const v = parsed.data;
  for (const group of SSO_GROUPS) {
    const given = [...group.required, ...group.optional].filter((k) => v[k] !== undefined);
    const missing = group.required.find((k) => v[k] === undefined);
    if (given.length > 0 && missing) {
      throw new EnvError(`Invalid setting ${missing}: missing; ${group.what} needs ${group.required.join(", ")} (set ${given.join(", ")})`);
    }
  }
  return {
    oidc:
      v.AUTH_OIDC_ISSUER && v.AUTH_OIDC_ID && v.AUTH_OIDC_SECRET
        ? { issuer: v.AUTH_OIDC_ISSUER.replace(/\/+$/, ""), clientId: v.AUTH_OIDC_ID, clientSecret: v.AUTH_OIDC_SECRET, name: v.AUTH_OIDC_NAME ?? "your university account" }
        : null,
    google: v.AUTH_GOOGLE_ID && v.AUTH_GOOGLE_SECRET ? { clientId: v.AUTH_GOOGLE_ID, clientSecret: v.AUTH_GOOGLE_SECRET, hostedDomain: v.AUTH_GOOGLE_HD?.toLowerCase() ?? null } : null,
    entra: v.AUTH_ENTRA_ID && v.AUTH_ENTRA_SECRET && v.AUTH_ENTRA_TENANT ? { clientId: v.AUTH_ENTRA_ID, clientSecret: v.AUTH_ENTRA_SECRET, tenant: v.AUTH_ENTRA_TENANT } : null,
    emailDomains: v.SSO_EMAIL_DOMAINS && v.SSO_EMAIL_DOMAINS.length > 0 ? v.SSO_EMAIL_DOMAINS : null,
  };
}

/** True when at least one single sign-on provider is configured. */
export function ssoEnabled(sso: SsoSettings): boolean {
  return !!(sso.oidc || sso.google || sso.entra);
}

function persistedSecret(dir: string): string {
  const file = path.join(dir, "auth-secret");
  const read = () => (existsSync(file) ? readFileSync(file, "utf8").trim() : "");
  const existing = read();
  if (existing.length >= 32) return existing;
  mkdirSync(dir, { recursive: true });
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const value = Buffer.from(secret).toString("base64url");
  if (existsSync(file)) {
    // Too short to be ours: replace it.
    writeFileSync(file, value + "\n", { mode: 0o600 });
    return value;
  }
  // Written aside, then linked into place: when several processes start at
  // once (WORKERS), the first link wins, whole, and everyone reads that one.
  const aside = `${file}.${process.pid}.${Date.now()}`;
  writeFileSync(aside, value + "\n", { mode: 0o600 });
  try {
    linkSync(aside, file);
    return value;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return read();
  } finally {
    rmSync(aside, { force: true });
  }
}

const envKey = () => `env:${process.env.DATABASE_PATH ?? ""}:${process.env.DATABASE_URL ?? ""}`;

export function getEnv(): Env {
  return processSingleton(envKey(), () => loadEnv());
}

/** Forgets the settings read so far: the next getEnv() reads the environment again (tests that change a setting). */
export function reloadEnv(): void {
  setProcessValue(envKey(), undefined);
}

/**
 * What the console and the projector say about the address phones are given:
 * its host for "go to <host>/join", and the one problem worth the teacher's
 * attention before class — no address a phone can reach (only loopback), or plain
 * HTTP on a LAN address (the camera app works, the scanner inside /join does not).
 */
export function phoneReach(env: Pick<Env, "APP_URL" | "APP_URL_SOURCE">): PhoneReach {
  const url = new URL(env.APP_URL);
  const problem = env.APP_URL_SOURCE === "loopback" ? "loopback" : url.protocol === "http:" && !isLoopbackHost(url.hostname) ? "plain_http" : null;
  return { host: url.host, problem };
}
