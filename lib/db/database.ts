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

export type LockMode = "shared" | "exclusive";

export interface Transaction extends Queryable {
  /**
   * Holds a named lock until this transaction ends, for writers that must not
   * interleave (a check-in and the end of its session, two marks of one
   * student). Shared holders run side by side; an exclusive one waits for them
   * and they for it. Take locks before reading what they protect, and always in
   * the same order. On SQLite a no-op: its write transactions already run one
   * at a time, across processes too (BEGIN IMMEDIATE).
   */
  lock(key: string, mode?: LockMode): Promise<void>;
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
  /**
   * Resolves once the database is reachable and its schema up to date;
   * rejects with the reason otherwise. Queries wait for it on their own; the
   * server awaits it at start to fail with one clear line.
   */
  ready(): Promise<void>;
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
