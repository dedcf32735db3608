/**
 * Next bundles route handlers separately from `server/`, so a plain module
 * singleton would exist twice in one process. Anything that must be unique per
 * process (database handle, Socket.IO server, rate limiters, rotation timers)
 * is kept on globalThis under a well-known symbol instead.
 */
const STORE = Symbol.for("rollcall.singletons");

type Store = Map<string, unknown>;

function store(): Store {
  const g = globalThis as unknown as Record<symbol, Store | undefined>;
  if (!g[STORE]) g[STORE] = new Map();
  return g[STORE]!;
}

export function processSingleton<T>(key: string, create: () => T): T {
  const s = store();
  if (!s.has(key)) s.set(key, create());
  return s.get(key) as T;
}

export function getProcessValue<T>(key: string): T | undefined {
  return store().get(key) as T | undefined;
}

export function setProcessValue<T>(key: string, value: T | undefined): void {
  if (value === undefined) store().delete(key);
  else store().set(key, value);
}
