import { getDb, type Db } from "./client";

const cache = new WeakMap<object, Map<string, unknown>>();

/**
 * A query built and prepared once per database connection. Hot paths (every
 * handshake, watch and check-in) would otherwise rebuild the SQL in drizzle
 * and re-prepare it in SQLite on every call.
 */
export function prepared<T>(name: string, build: (db: Db) => T): () => T {
  return () => {
    const db = getDb();
    let forDb = cache.get(db.$client);
    if (!forDb) cache.set(db.$client, (forDb = new Map()));
    if (!forDb.has(name)) forDb.set(name, build(db));
    return forDb.get(name) as T;
  };
}
