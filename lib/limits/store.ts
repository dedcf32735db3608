import { RateLimiterMemory, type RateLimiterAbstract } from "rate-limiter-flexible";
import { processSingleton, setProcessValue } from "../process-store";

/**
 * Where rate-limit counters live. Every limiter family (sign-in, registration,
 * typed codes, socket events) makes its counters here and nowhere else, so
 * running several processes or nodes (SPEC §11) means installing one backend
 * — rate-limiter-flexible's Redis or PostgreSQL limiters take the same
 * options and have the same methods — before the first request:
 *
 *   setLimiterBackend((o) => new RateLimiterRedis({ storeClient: redis, ...o }));
 *
 * Counters that only make sense in one process (one socket's events) may ask
 * for `local: true` and stay in memory whatever the backend.
 */
export type LimiterOptions = {
  /** Unique per counter: the backend's key namespace. */
  keyPrefix: string;
  points: number;
  /** Seconds. */
  duration: number;
  local?: boolean;
};

export type Limiter = Pick<RateLimiterAbstract, "consume" | "penalty" | "reward" | "get" | "delete" | "block" | "points">;

export type LimiterBackend = (options: Omit<LimiterOptions, "local">) => Limiter;

const memory: LimiterBackend = (o) => new RateLimiterMemory(o);
const BACKEND = "limits.backend";
const FAMILIES = processSingleton("limits.families", () => new Set<string>());

/** Installs the shared store for every limiter made from now on (call at start, before any request). */
export function setLimiterBackend(backend: LimiterBackend | undefined): void {
  setProcessValue(BACKEND, backend);
  resetLimitState();
}

export function makeLimiter(options: LimiterOptions): Limiter {
  const { local, ...o } = options;
  const backend = local ? memory : (processSingleton<LimiterBackend>(BACKEND, () => memory));
  return backend(o);
}

/** A family's limiters, made once per process (route handlers and server/ are bundled apart: globalThis holds them). */
export function limiterFamily<T>(name: string, create: () => T): T {
  FAMILIES.add(name);
  return processSingleton(`limits.family.${name}`, create);
}

/** Forgets every counter of every family (tests; a new backend). */
export function resetLimitState(): void {
  for (const name of FAMILIES) setProcessValue(`limits.family.${name}`, undefined);
}

/** Whole seconds until a refused key may try again, at least 1. */
export function retryAfterSeconds(msBeforeNext: number | undefined, fallbackMs = 60_000): number {
  return Math.max(1, Math.ceil((msBeforeNext ?? fallbackMs) / 1000));
}

/** rate-limiter-flexible rejects with its result when points run out, and with an Error when the store fails. */
export function isLimiterRefusal(e: unknown): e is { msBeforeNext: number; consumedPoints: number } {
  return typeof e === "object" && e !== null && !(e instanceof Error) && "msBeforeNext" in e;
}
