import type { SQL } from "drizzle-orm";

/**
 * The one way the domain talks to its database, whichever engine is behind
 * it: SQL written once with drizzle's `sql` template (parameters are always
 * bound, never spliced), run by an adapter that renders it for its dialect.
 *
 * Write SQL both SQLite and PostgreSQL accept: quote camelCase aliases
 * (`AS "studentId"`), compare booleans with `= TRUE`, sort with `lower(...)`,
 * and let unique indexes plus `ON CONFLICT` keep invariants rather than a
 * read-then-write in one process's memory.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  /** Every row of a query. */
  all<T = Row>(query: SQL): Promise<T[]>;
  /** The first row, or undefined. */
  get<T = Row>(query: SQL): Promise<T | undefined>;
  /** A statement that returns no rows; resolves to how many rows it changed. */
  run(query: SQL): Promise<number>;
}

export interface Transaction extends Queryable {
  /**
   * Runs `fn` once this transaction has committed, never if it rolls back.
   * Failures are the caller's to guard (lib/events.ts does it for every fact).
   */
  afterCommit(fn: () => void): void;
}

export type Dialect = "sqlite" | "postgres";

export interface Database extends Queryable {
  readonly dialect: Dialect;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back
   * when it throws. Inside it, queries on the database itself join the
   * transaction too, so a helper that forgot its `tx` cannot read around it.
   * Only database work may be awaited inside: no network calls, no timers.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Is the database answering? For /api/health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A unique index or primary key refused a row: the database's word on a race. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  // SQLite (better-sqlite3) and PostgreSQL (SQLSTATE 23505).
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}
