import { AsyncLocalStorage } from "node:async_hooks";
import path from "node:path";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { Database, LockMode, Row, Transaction } from "./database";
import { redactUrl } from "../redact-url";

const dialect = new PgDialect();

/** drizzle-kit's migrations for PostgreSQL, committed beside the SQLite ones. */
export const PG_MIGRATIONS_FOLDER = path.join(process.cwd(), "drizzle-pg");

/** The advisory lock every node takes around the migrator, so exactly one migrates and the others wait for it. */
const MIGRATION_LOCK = 0x526f6c6c; // "Roll"

/** Serialization failures and deadlocks: the database rolled the transaction back and asks for it again. */
const RETRYABLE = new Set(["40001", "40P01"]);
const MAX_ATTEMPTS = 5;

/** This transaction's place in line behind the last holder (in this process) of one exclusive lock. */
type Turn = { key: string; before: Promise<void>; done: () => void };

type Open = { tx: postgres.TransactionSql; handle: Transaction; afterCommit: Array<() => void>; turns: Turn[] };

export type PostgresOptions = {
  /** Connections in this process's pool. */
  max?: number;
  migrationsFolder?: string;
};

/**
 * PostgreSQL through `postgres` (porsager) and its pool. SQL is rendered by
 * drizzle for this dialect and sent as named prepared statements, which the
 * driver prepares once per connection and reuses.
 *
 * Like the SQLite adapter, a query on the database itself inside a
 * transaction's async context joins that transaction, and `afterCommit`
 * callbacks run only once it committed. Unlike SQLite, transactions of this
 * and other processes run side by side (READ COMMITTED): invariants live in
 * unique indexes, and writers that must not interleave take `tx.lock()`.
 *
 * Commit acknowledgements can reach this process out of order: a backend
 * that released its locks may be descheduled before it answers, while the
 * next holder of those locks commits and answers first. So the facts of
 * transactions that held the same exclusive lock are delivered in the order
 * the lock was granted — which, for one lock, is their commit order — not in
 * the order their commits were acknowledged.
 */
export class PostgresDatabase implements Database {
  readonly dialect = "postgres" as const;
  private readonly context = new AsyncLocalStorage<Open>();
  private readonly opening: Promise<void>;
  private opened = false;
  /** Per exclusive lock name: settles once its latest holder in this process delivered its facts (or rolled back). */
  private readonly lines = new Map<string, Promise<void>>();

  constructor(
    readonly sql: postgres.Sql,
    opening: Promise<void>,
  ) {
    this.opening = opening.then(() => void (this.opened = true));
    // Whoever queries first sees the failure; until then it must not crash the process as unhandled.
    this.opening.catch(() => {});
  }

  ready(): Promise<void> {
    return this.opening;
  }

  private async exec<T>(query: SQL, via?: postgres.Sql | postgres.TransactionSql): Promise<postgres.RowList<T[]>> {
    if (!this.opened) await this.opening;
    const { sql: text, params } = dialect.sqlToQuery(query);
    const conn = via ?? this.context.getStore()?.tx ?? this.sql;
    return conn.unsafe<T[]>(text, params.map(bindable) as postgres.ParameterOrJSON<never>[], { prepare: true });
  }

  async all<T = Row>(query: SQL): Promise<T[]> {
    return [...(await this.exec<T>(query))];
  }

  async get<T = Row>(query: SQL): Promise<T | undefined> {
    return (await this.exec<T>(query))[0];
  }

  async run(query: SQL): Promise<number> {
    return (await this.exec(query)).count ?? 0;
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const joined = this.context.getStore();
    if (joined) return fn(joined.handle);
    if (!this.opened) await this.opening;

    for (let attempt = 1; ; attempt++) {
      let open: Open | undefined;
      let result: T;
      try {
        result = (await this.sql.begin((tx) => {
          const o: Open = {
            tx,
            afterCommit: [],
            turns: [],
            handle: {
              all: async <R>(q: SQL) => [...(await this.exec<R>(q, tx))],
              get: async <R>(q: SQL) => (await this.exec<R>(q, tx))[0],
              run: async (q: SQL) => (await this.exec(q, tx)).count ?? 0,
              lock: (key, mode) => this.lock(o, key, mode),
              afterCommit: (f) => void o.afterCommit.push(f),
            },
          };
          open = o;
          return this.context.run(o, () => fn(o.handle));
        })) as T;
      } catch (err) {
        // Rolled back: nothing to deliver, but those in line behind still wait for those ahead.
        for (const turn of open?.turns ?? []) void turn.before.then(turn.done);
        if (attempt < MAX_ATTEMPTS && RETRYABLE.has(String((err as { code?: unknown }).code))) continue;
        throw err;
      }
      const { afterCommit, turns } = open!;
      try {
        if (turns.length > 0) await Promise.all(turns.map((t) => t.before));
        for (const f of afterCommit) f();
      } finally {
        for (const turn of turns) turn.done();
      }
      return result;
    }
  }

  /**
   * A transaction-scoped advisory lock on a name: released at commit or
   * rollback. Shared holders run side by side; an exclusive holder waits for
   * them all and they for it. Names hash to 64 bits; a collision only makes
   * two unrelated writers wait for each other.
   */
  private async lock(open: Open, key: string, mode: LockMode = "exclusive"): Promise<void> {
    const text = mode === "shared" ? "SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))" : "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
    await open.tx.unsafe(text, [key], { prepare: true });
    if (mode === "shared" || open.turns.some((t) => t.key === key)) return;
    // Granted: the previous holder has committed (or rolled back) in the database,
    // and since it could not commit before this process heard its own grant, it is
    // the one in `lines` now. Our facts go out after its facts.
    const before = this.lines.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.lines.set(key, mine);
    void mine.then(() => {
      if (this.lines.get(key) === mine) this.lines.delete(key);
    });
    open.turns.push({ key, before, done });
  }

  async ping(): Promise<void> {
    await this.sql`SELECT 1`;
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

function bindable(v: unknown): unknown {
  return v === undefined ? null : v;
}

// Counts and sums come back as bigint (int8) or numeric: numbers, as SQLite gives them.
// Millisecond timestamps and counts stay far below 2^53.
const toNumber = (x: string) => Number(x);


/** A one-line reason why PostgreSQL could not be used, for the start-up error. */
export function describePostgresError(err: unknown, url: string): string {
  const e = err as { code?: string; message?: string; errors?: Array<{ message?: string }> };
  const reason = e?.message || e?.errors?.map((x) => x.message).join("; ") || e?.code || String(err);
  return `cannot use PostgreSQL at ${redactUrl(url)}: ${reason}`;
}

/**
 * Connects to PostgreSQL and brings its schema up to date. Returns at once;
 * queries wait until the migrations ran, and `ready()` rejects with the reason
 * when the server cannot be reached or migrated.
 */
export function openPostgres(url: string, opts: PostgresOptions = {}): PostgresDatabase {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    connect_timeout: 10,
    // Pooled connections come and go; a connection idle for a minute is let go.
    idle_timeout: 60,
    // The migrator's "already exists, skipping" notices are not news.
    onnotice: () => {},
    types: {
      bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: toNumber },
      numeric: { to: 1700, from: [1700], serialize: (x: number) => String(x), parse: toNumber },
    },
    connection: { application_name: "rollcall" },
  });
  return new PostgresDatabase(sql, migratePostgres(sql, opts.migrationsFolder ?? PG_MIGRATIONS_FOLDER));
}

/**
 * Applies pending migrations under a session-level advisory lock: when several
 * nodes start at once, one migrates and the others wait, then find nothing to do.
 */
export async function migratePostgres(sql: postgres.Sql, migrationsFolder: string): Promise<void> {
  const conn = await sql.reserve();
  try {
    await conn`SELECT pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder });
    } finally {
      await conn`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    conn.release();
  }
}
