import { getTableColumns, getTableName, sql, type SQL, type Table } from "drizzle-orm";

/**
 * `alias.column AS "propertyName", …` for every column of a table, so raw SQL
 * returns rows shaped like the schema's `$inferSelect` types without each
 * query spelling out its aliases. Built once per table and alias.
 */
const lists = new Map<string, SQL>();

export function columnsOf(table: Table, alias = getTableName(table), prefix = ""): SQL {
  const key = `${getTableName(table)}:${alias}:${prefix}`;
  let list = lists.get(key);
  if (!list) {
    const parts = Object.entries(getTableColumns(table)).map(([prop, col]) => `${alias}.${col.name} AS "${prefix}${prop}"`);
    list = sql.raw(parts.join(", "));
    lists.set(key, list);
  }
  return list;
}

/**
 * One joined row holding two tables (the second selected with
 * `columnsOf(table, alias, "prefix.")`), split into the two objects.
 */
export function splitRow<A, B>(row: Record<string, unknown>, prefix: string): [A, B] {
  const first: Record<string, unknown> = {};
  const second: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k.startsWith(prefix)) second[k.slice(prefix.length)] = v;
    else first[k] = v;
  }
  return [first as A, second as B];
}

/** SQLite hands booleans back as 0/1; PostgreSQL as booleans. Either way, a boolean. */
export function decodeBooleans<T extends Record<string, unknown>>(row: T, keys: ReadonlyArray<keyof T>): T {
  for (const k of keys) (row as Record<string, unknown>)[k as string] = Boolean(row[k]);
  return row;
}
