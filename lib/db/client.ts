import { getEnv, type Env } from "../env";
import { getProcessValue, processSingleton, setProcessValue } from "../process-store";
import type { Database } from "./database";
import { openPostgres } from "./postgres";
import { openSqlite } from "./sqlite";

export type { Database, Queryable, Transaction } from "./database";
export { isUniqueViolation } from "./database";

const key = () => {
  const env = getEnv();
  return env.DATABASE_URL ? `db:${env.DATABASE_URL}` : `db:${env.DATABASE_PATH}`;
};

/**
 * This process's database: PostgreSQL when DATABASE_URL is set, else the
 * embedded SQLite file. Opened (and migrated) on first use; with PostgreSQL
 * the first queries wait for the migrations.
 */
export function getDb(): Database {
  return processSingleton(key(), () => {
    const env = getEnv();
    return env.DATABASE_URL ? openPostgres(env.DATABASE_URL) : openSqlite(env.DATABASE_PATH);
  });
}

/** The database once it answers and its schema is current: the server awaits this at start. */
export async function openDb(): Promise<Database> {
  const db = getDb();
  await db.ready();
  return db;
}

/**
 * Is this process the only one writing to the database? Then it hears every
 * change as a fact and may keep what it derives from them (the counts cache).
 * Not with PostgreSQL, where any number of nodes write, nor with WORKERS
 * sharing the SQLite file, nor beside other nodes (REDIS_URL).
 */
export function isSoleWriter(env: Env = getEnv()): boolean {
  return env.DATABASE_URL === null && env.REDIS_URL === null && env.WORKERS === 1;
}

export async function closeDb(): Promise<void> {
  const db = getProcessValue<Database>(key());
  if (db) {
    setProcessValue(key(), undefined);
    await db.close();
  }
}
