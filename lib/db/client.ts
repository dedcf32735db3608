import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { getEnv } from "../env";
import { getProcessValue, processSingleton, setProcessValue } from "../global";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export function migrationsFolder(): string {
  return process.env.ROLLCALL_MIGRATIONS ?? path.join(process.cwd(), "drizzle");
}

/** Opens the database with the pragmas the spec requires and brings its schema up to date. */
export function openDb(file: string): Db {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  // FULL: an acknowledged check-in survives a power cut, not only a crash.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: migrationsFolder() });
  return db;
}

const key = () => `db:${getEnv().DATABASE_PATH}`;

export function getDb(): Db {
  return processSingleton(key(), () => openDb(getEnv().DATABASE_PATH));
}

export function closeDb(): void {
  const db = getProcessValue<Db>(key());
  if (db) {
    db.$client.close();
    setProcessValue(key(), undefined);
  }
}

export { schema };
