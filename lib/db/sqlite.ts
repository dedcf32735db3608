import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { Database, Row, Transaction } from "./database";

const dialect = new SQLiteSyncDialect();
const STATEMENT_CACHE_MAX = 500;

type Open = { handle: Transaction; afterCommit: Array<() => void> };

/**
 * The embedded database: one better-sqlite3 connection per process, WAL,
 * `synchronous=FULL`. Statements are prepared once per SQL text (the hot
 * paths would otherwise re-prepare on every check-in).
 *
 * better-sqlite3 is synchronous, so a transaction whose body awaits only this
 * database runs from BEGIN to COMMIT without letting anything else in. The
 * lock below keeps it correct when a body does yield: other transactions
 * queue, and statements from outside wait, so nobody reads rows that may
 * still roll back.
 */
export class SqliteDatabase implements Database {
  readonly dialect = "sqlite" as const;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly context = new AsyncLocalStorage<Open>();
  private lock: Promise<void> = Promise.resolve();
  private holder: Open | null = null;
  private readonly begin: BetterSqlite3.Statement;
  private readonly commit: BetterSqlite3.Statement;
  private readonly rollback: BetterSqlite3.Statement;

  constructor(readonly sqlite: BetterSqlite3.Database) {
    // IMMEDIATE takes the write lock at once: two processes on one file then
    // wait (busy_timeout) instead of failing to upgrade a read lock.
    this.begin = sqlite.prepare("BEGIN IMMEDIATE");
    this.commit = sqlite.prepare("COMMIT");
    this.rollback = sqlite.prepare("ROLLBACK");
  }

  private prepare(query: SQL): { stmt: BetterSqlite3.Statement; params: unknown[] } {
    const { sql, params } = dialect.sqlToQuery(query);
    let stmt = this.statements.get(sql);
    if (!stmt) {
      if (this.statements.size >= STATEMENT_CACHE_MAX) this.statements.delete(this.statements.keys().next().value!);
      stmt = this.sqlite.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return { stmt, params: params.map(bindable) };
  }

  private execAll<T>(query: SQL): T[] {
    const { stmt, params } = this.prepare(query);
    return stmt.all(...params) as T[];
  }

  private execGet<T>(query: SQL): T | undefined {
    const { stmt, params } = this.prepare(query);
    return stmt.get(...params) as T | undefined;
  }

  private execRun(query: SQL): number {
    const { stmt, params } = this.prepare(query);
    return stmt.reader ? stmt.all(...params).length : stmt.run(...params).changes;
  }

  /** A statement from outside the open transaction waits for it to finish. */
  private async outside(): Promise<void> {
    while (this.holder && this.context.getStore() !== this.holder) await this.lock;
  }

  async all<T = Row>(query: SQL): Promise<T[]> {
    if (this.holder) await this.outside();
    return this.execAll<T>(query);
  }

  async get<T = Row>(query: SQL): Promise<T | undefined> {
    if (this.holder) await this.outside();
    return this.execGet<T>(query);
  }

  async run(query: SQL): Promise<number> {
    if (this.holder) await this.outside();
    return this.execRun(query);
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const joined = this.context.getStore();
    if (joined) return fn(joined.handle);

    let release!: () => void;
    const previous = this.lock;
    this.lock = new Promise<void>((resolve) => (release = resolve));
    await previous;

    const open: Open = {
      afterCommit: [],
      handle: {
        all: async <R>(q: SQL) => this.execAll<R>(q),
        get: async <R>(q: SQL) => this.execGet<R>(q),
        run: async (q: SQL) => this.execRun(q),
        // Transactions here already run one at a time (the lock above, BEGIN IMMEDIATE across processes).
        lock: noLock,
        afterCommit: (f) => void open.afterCommit.push(f),
      },
    };
    this.holder = open;
    let result: T;
    try {
      this.begin.run();
      try {
        result = await this.context.run(open, () => fn(open.handle));
        this.commit.run();
      } catch (err) {
        if (this.sqlite.inTransaction) this.rollback.run();
        throw err;
      }
    } finally {
      this.holder = null;
      release();
    }
    for (const f of open.afterCommit) f();
    return result;
  }

  async ready(): Promise<void> {
    // Opened and migrated synchronously by openSqlite.
  }

  async ping(): Promise<void> {
    this.sqlite.prepare("SELECT 1").get();
  }

  async close(): Promise<void> {
    this.statements.clear();
    this.sqlite.close();
  }
}

const noLock = async () => {};

/** better-sqlite3 binds numbers, strings, bigints, buffers and null only. */
function bindable(v: unknown): unknown {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === undefined) return null;
  return v;
}

/** drizzle-kit's migrations for SQLite, committed beside the schema. */
export const MIGRATIONS_FOLDER = path.join(process.cwd(), "drizzle");

/** Opens the file with the pragmas the spec requires and brings its schema up to date. */
export function openSqlite(file: string, migrationsFolder = MIGRATIONS_FOLDER): SqliteDatabase {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma("journal_mode = WAL");
  // FULL: an acknowledged check-in survives a power cut, not only a crash.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("busy_timeout = 5000");
  // Migrations run with foreign keys off: SQLite changes a column by copying
  // the table and dropping the old one, and with foreign keys on that DROP
  // would cascade into every row that points at it (a PRAGMA inside the
  // migration's own transaction is ignored). The check afterwards proves the
  // copy kept every reference intact.
  sqlite.pragma("foreign_keys = OFF");
  migrate(drizzle(sqlite), { migrationsFolder });
  const broken = sqlite.pragma("foreign_key_check") as unknown[];
  if (broken.length > 0) throw new Error(`database migration left ${broken.length} broken reference(s)`);
  sqlite.pragma("foreign_keys = ON");
  return new SqliteDatabase(sqlite);
}
