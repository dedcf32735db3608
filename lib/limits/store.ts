import { RateLimiterMemory, type RateLimiterAbstract } from "rate-limiter-flexible";
import { logLimited, suppressedNote } from "../log";
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
 *
 * A shared store can fail: Redis gone, or the cluster's primary too busy to
 * answer a worker within its timeout. A limit exists to slow abusers, never to
 * refuse the people it protects, so a failing store never reaches the callers
 * (`failOpen`): the counters fall back to this process's memory, as
 * rate-limiter-flexible's insurance limiter would.
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
  const backend = local ? memory : processSingleton<LimiterBackend>(BACKEND, () => memory);
  return backend === memory ? memory(o) : failOpen(backend(o), o);
}

type Method = "consume" | "penalty" | "reward" | "get" | "delete" | "block";
const METHODS: Method[] = ["consume", "penalty", "reward", "get", "delete", "block"];

/** After a store failure, how long this process counts in memory before asking the store again. */
export const STORE_RETRY_MS = 5_000;

/**
 * `store`, answering from memory counters while it fails. A refusal (points
 * spent) is the store's answer and passes through; anything else it throws
 * is a failure. After one, the store is left alone for `STORE_RETRY_MS`:
 * a primary that answered nothing within its timeout is overloaded, and
 * every handshake waiting that timeout again would only add to it.
 */
export function failOpen(store: Limiter, options: Omit<LimiterOptions, "local">, clock: () => number = Date.now): Limiter {
  const insurance = new RateLimiterMemory(options);
  let skipUntil = 0;
  const limiter = { points: store.points } as Limiter;
  for (const m of METHODS) {
    const viaStore = store[m].bind(store) as (...args: unknown[]) => Promise<unknown>;
    const viaMemory = insurance[m].bind(insurance) as (...args: unknown[]) => Promise<unknown>;
    (limiter as unknown as Record<Method, (...args: unknown[]) => Promise<unknown>>)[m] = async (...args) => {
      if (clock() < skipUntil) return viaMemory(...args);
      try {
        return await viaStore(...args);
      } catch (e) {
        if (isLimiterRefusal(e)) throw e;
        skipUntil = clock() + STORE_RETRY_MS;
        logLimited("limits-store", (n) =>
          console.warn(`[rollcall] the rate-limit store failed (${describe(e)}); counting in this process's memory for now${suppressedNote(n)}`),
        );
        return viaMemory(...args);
      }
    };
  }
  return limiter;
}

const describe = (e: unknown) => (e instanceof Error ? e.message.split("\n")[0] : String(e)).slice(0, 200);

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
