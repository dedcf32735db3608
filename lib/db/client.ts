import { getEnv } from "../env";
import { getProcessValue, processSingleton, setProcessValue } from "../process-store";
import type { Database } from "./database";
import { openSqlite } from "./sqlite";

export type { Database, Queryable, Transaction } from "./database";
export { isUniqueViolation } from "./database";

const key = () => `db:${getEnv().DATABASE_PATH}`;

/** This process's database, opened (and migrated) on first use. */
export function getDb(): Database {
  return processSingleton(key(), () => openSqlite(getEnv().DATABASE_PATH));
}

export async function closeDb(): Promise<void> {
  const db = getProcessValue<Database>(key());
  if (db) {
    setProcessValue(key(), undefined);
    await db.close();
  }
}
