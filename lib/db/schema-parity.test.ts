import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql, type SQL, type Table } from "drizzle-orm";
import { getTableConfig as pgConfig, PgDialect, type PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig, SQLiteSyncDialect, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { closeDb, openDb } from "./client";
import * as pg from "./schema.pg";
import * as lite from "./schema";
import { openSqlite } from "./sqlite";

/**
 * The SQLite schema (schema.ts) and the PostgreSQL one (schema.pg.ts) describe
 * one database. Compared twice: as drizzle table definitions (always), and as
 * the databases their committed migrations build (in the PostgreSQL run), so
 * an edit to one schema without the other, or without its migration, fails.
 */

const tablesOf = (mod: Record<string, unknown>) =>
  Object.values(mod).filter((v): v is Table => typeof v === "object" && v !== null && Symbol.for("drizzle:IsDrizzleTable") in v);

type ColumnShape = { type: string; notNull: boolean; default: unknown; generated: boolean };
type TableShape = {
  columns: Record<string, ColumnShape>;
  primaryKey: string[];
  indexes: Record<string, { columns: string[]; unique: boolean; where: string | null }>;
  foreignKeys: string[];
};

const normalizeWhere = (s: string) => s.replace(/::[a-z ]+/g, "").replace(/[()"`]/g, "").replace(/\s+/g, " ").trim();

// SQLite's column kinds and what each must be on PostgreSQL. Integers are
// `integer` or, for millisecond timestamps and the audit id, `bigint`.
const TYPE_OF: Record<string, string> = {
  SQLiteText: "text",
  SQLiteInteger: "integer",
  SQLiteBoolean: "boolean",
  SQLiteReal: "double",
  PgText: "text",
  PgInteger: "integer",
  PgBigInt53: "integer",
  PgBoolean: "boolean",
  PgDoublePrecision: "double",
};

function describeSqlite(table: SQLiteTable): TableShape {
  const c = sqliteConfig(table);
  const render = (q: SQL) => new SQLiteSyncDialect().sqlToQuery(q).sql;
  return {
    columns: Object.fromEntries(
      c.columns.map((col) => [
        col.name,
        { type: TYPE_OF[col.columnType] ?? col.columnType, notNull: col.notNull, default: col.default ?? null, generated: (col as { autoIncrement?: boolean }).autoIncrement === true },
      ]),
    ),
    primaryKey: c.primaryKeys.length ? c.primaryKeys[0].columns.map((x) => x.name) : c.columns.filter((x) => x.primary).map((x) => x.name),
    indexes: Object.fromEntries(
      c.indexes.map((i) => [
        i.config.name,
        { columns: i.config.columns.map((x) => (x as { name: string }).name), unique: i.config.unique, where: i.config.where ? normalizeWhere(render(i.config.where)) : null },
      ]),
    ),
    foreignKeys: c.foreignKeys
      .map((fk) => {
        const r = fk.reference();
        return `${r.columns.map((x) => x.name).join(",")} -> ${sqliteConfig(r.foreignTable).name}(${r.foreignColumns.map((x) => x.name).join(",")}) on delete ${fk.onDelete ?? "no action"} on update ${fk.onUpdate ?? "no action"}`;
      })
      .sort(),
  };
}

function describePg(table: PgTable): TableShape {
  const c = pgConfig(table);
  const render = (q: SQL) => new PgDialect().sqlToQuery(q).sql;
  return {
    columns: Object.fromEntries(
      c.columns.map((col) => [
        col.name,
        { type: TYPE_OF[col.columnType] ?? col.columnType, notNull: col.notNull, default: col.default ?? null, generated: col.generatedIdentity !== undefined },
      ]),
    ),
    primaryKey: c.primaryKeys.length ? c.primaryKeys[0].columns.map((x) => x.name) : c.columns.filter((x) => x.primary).map((x) => x.name),
    indexes: Object.fromEntries(
      c.indexes.map((i) => [
        i.config.name!,
        { columns: i.config.columns.map((x) => (x as { name: string }).name), unique: i.config.unique, where: i.config.where ? normalizeWhere(render(i.config.where)) : null },
      ]),
    ),
    foreignKeys: c.foreignKeys
      .map((fk) => {
        const r = fk.reference();
        return `${r.columns.map((x) => x.name).join(",")} -> ${pgConfig(r.foreignTable).name}(${r.foreignColumns.map((x) => x.name).join(",")}) on delete ${fk.onDelete ?? "no action"} on update ${fk.onUpdate ?? "no action"}`;
      })
      .sort(),
  };
}

const byName = <T extends Table>(tables: T[], name: (t: T) => string) => Object.fromEntries(tables.map((t) => [name(t), t]));

describe("the SQLite and PostgreSQL schemas", () => {
  const liteTables = byName(tablesOf(lite) as SQLiteTable[], (t) => sqliteConfig(t).name);
  const pgTables = byName(tablesOf(pg) as PgTable[], (t) => pgConfig(t).name);

  it("have the same tables", () => {
    expect(Object.keys(pgTables).sort()).toEqual(Object.keys(liteTables).sort());
    expect(Object.keys(liteTables).length).toBeGreaterThanOrEqual(9);
  });

  for (const name of Object.keys(liteTables)) {
    it(`define ${name} alike: columns, nullability, defaults, keys, indexes and foreign keys`, () => {
      expect(pgTables[name], `${name} missing from schema.pg.ts`).toBeDefined();
      expect(describePg(pgTables[name])).toEqual(describeSqlite(liteTables[name]));
    });
  }

  it("store millisecond timestamps as bigint on PostgreSQL (they outgrow a 32-bit integer)", () => {
    for (const table of Object.values(pgTables)) {
      for (const col of pgConfig(table).columns) {
        if (/_at$|_after$/.test(col.name)) expect(`${pgConfig(table).name}.${col.name}: ${col.columnType}`).toBe(`${pgConfig(table).name}.${col.name}: PgBigInt53`);
      }
    }
  });
});

// ---- the databases the committed migrations build ----

type Introspected = Record<
  string,
  {
    columns: Record<string, { notNull: boolean; default: string | null }>;
    primaryKey: string[];
    indexes: Record<string, { columns: string[]; unique: boolean; where: string | null }>;
    foreignKeys: string[];
  }
>;

const normalizeDefault = (d: string | null) => (d === null ? null : d.replace(/::[a-z ]+$/, "").replace(/^\((.*)\)$/, "$1"));

function introspectSqlite(): Introspected {
  const db = openSqlite(path.join(mkdtempSync(path.join(tmpdir(), "rollcall-parity-")), "parity.db"));
  const s = db.sqlite;
  const out: Introspected = {};
  const tables = s.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'").pluck().all() as string[];
  for (const t of tables) {
    const cols = s.prepare(`PRAGMA table_info(${t})`).all() as Array<{ name: string; notnull: number; dflt_value: string | null; pk: number }>;
    const fks = s.prepare(`PRAGMA foreign_key_list(${t})`).all() as Array<{ id: number; table: string; from: string; to: string; on_delete: string; on_update: string }>;
    const idx = s.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`).all(t) as Array<{ name: string; sql: string }>;
    out[t] = {
      columns: Object.fromEntries(cols.map((c) => [c.name, { notNull: c.notnull === 1 || c.pk > 0, default: normalizeDefault(c.dflt_value) }])),
      primaryKey: cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      indexes: Object.fromEntries(
        idx.map((i) => {
          const cols = (s.prepare(`PRAGMA index_info(${i.name})`).all() as Array<{ seqno: number; name: string }>).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
          const where = /\bWHERE\b(.*)$/is.exec(i.sql)?.[1] ?? null;
          return [i.name, { columns: cols, unique: /^CREATE UNIQUE/i.test(i.sql), where: where === null ? null : normalizeWhere(where) }];
        }),
      ),
      foreignKeys: fks.map((f) => `${f.from} -> ${f.table}(${f.to}) on delete ${f.on_delete.toLowerCase()} on update ${f.on_update.toLowerCase()}`).sort(),
    };
  }
  void db.close();
  return out;
}

async function introspectPostgres(): Promise<Introspected> {
  const db = await openDb();
  const out: Introspected = {};
  const cols = await db.all<{ table: string; column: string; nullable: string; default: string | null; identity: string }>(sql`
    SELECT table_name AS "table", column_name AS "column", is_nullable AS nullable, column_default AS "default", is_identity AS identity
    FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`);
  for (const c of cols) {
    out[c.table] ??= { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [] };
    out[c.table].columns[c.column] = { notNull: c.nullable === "NO", default: normalizeDefault(c.default) };
  }
  const keys = await db.all<{ table: string; kind: string; name: string; def: string }>(sql`
    SELECT rel.relname AS "table", con.contype AS kind, con.conname AS name, pg_get_constraintdef(con.oid) AS def
    FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
    WHERE n.nspname = 'public' AND con.contype IN ('p', 'f')`);
  for (const k of keys) {
    if (k.kind === "p") out[k.table].primaryKey = /PRIMARY KEY \((.*)\)/.exec(k.def)![1].split(",").map((x) => x.trim().replace(/"/g, ""));
    else {
      const m = /FOREIGN KEY \((.*)\) REFERENCES (?:public\.)?"?(\w+)"?\((.*?)\)(.*)$/.exec(k.def)!;
      const onDelete = /ON DELETE (CASCADE|SET NULL|RESTRICT|SET DEFAULT)/.exec(m[4])?.[1].toLowerCase() ?? "no action";
      const onUpdate = /ON UPDATE (CASCADE|SET NULL|RESTRICT|SET DEFAULT)/.exec(m[4])?.[1].toLowerCase() ?? "no action";
      out[k.table].foreignKeys.push(`${m[1].replace(/"/g, "")} -> ${m[2]}(${m[3].replace(/"/g, "")}) on delete ${onDelete} on update ${onUpdate}`);
    }
  }
  for (const t of Object.values(out)) t.foreignKeys.sort();
  const idx = await db.all<{ table: string; name: string; def: string; primary: boolean }>(sql`
    SELECT t.relname AS "table", i.relname AS name, pg_get_indexdef(ix.indexrelid) AS def, ix.indisprimary AS "primary"
    FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = 'public'`);
  for (const i of idx) {
    if (i.primary) continue; // SQLite keeps primary keys out of sqlite_master's index list too
    const m = /\((.*?)\)(?: WHERE (.*))?$/.exec(i.def.replace(/ USING btree/, ""))!;
    out[i.table].indexes[i.name] = {
      columns: m[1].split(",").map((x) => x.trim().replace(/"/g, "")),
      unique: /^CREATE UNIQUE/.test(i.def),
      where: m[2] === undefined ? null : normalizeWhere(m[2]),
    };
  }
  return out;
}

describe.runIf(process.env.DATABASE_URL)("the migrated SQLite and PostgreSQL databases", () => {
  it("have the same tables, columns, nullability, defaults, keys, indexes (with predicates) and foreign keys", async () => {
    const [a, b] = [introspectSqlite(), await introspectPostgres()];
    await closeDb();
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const t of Object.keys(a)) expect(b[t], t).toEqual(a[t]);
  });
});
