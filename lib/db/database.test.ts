import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb, openDb } from "./client";
import { isUniqueViolation } from "./database";
import { describePostgresError, openPostgres, type PostgresDatabase } from "./postgres";

/**
 * The Database contract, on whichever engine this run uses (SQLite in
 * `npm run test:unit`, PostgreSQL in `npm run test:pg`): the domain relies on
 * exactly these behaviours and nothing engine-specific.
 */
const engine = process.env.DATABASE_URL ? "postgres" : "sqlite";

beforeAll(async () => {
  await openDb();
  await getDb().run(sql`INSERT INTO users (id, name, email, email_key, password_hash, kind, created_at)
                        VALUES ('owner', 'Owner', 'o@x', 'o@x', NULL, 'teacher', ${1_790_000_000_000})`);
});
afterAll(() => closeDb());

let n = 0;
const newCourse = (db = getDb()) => {
  const id = `c${++n}`;
  return {
    id,
    insert: sql`INSERT INTO courses (id, name, enroll_code, owner_id, created_at) VALUES (${id}, 'C', ${`CODE${String(n).padStart(4, "0")}`}, 'owner', ${1})`,
    count: async () => Number((await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM courses WHERE id = ${id}`))?.n),
  };
};

describe(`the database contract (${engine})`, () => {
  it("reports its dialect and answers ping", async () => {
    expect(getDb().dialect).toBe(engine);
    await expect(getDb().ping()).resolves.toBeUndefined();
  });

  it("hands back counts, sums and millisecond timestamps as numbers, reals as numbers, flags decodable as booleans", async () => {
    const row = await getDb().get<Record<string, unknown>>(sql`
      SELECT count(*) AS n, sum(created_at) AS total, max(created_at) AS latest FROM users`);
    expect(row).toEqual({ n: 1, total: 1_790_000_000_000, latest: 1_790_000_000_000 });
    const c = newCourse();
    await getDb().run(c.insert);
    const course = await getDb().get<Record<string, unknown>>(sql`
      SELECT auto_approve AS "autoApprove", late_credit AS "lateCredit", warn_below_percent AS warn, created_at AS "createdAt"
      FROM courses WHERE id = ${c.id}`);
    expect(Boolean(course!.autoApprove)).toBe(true);
    expect(course).toMatchObject({ lateCredit: 1, warn: 80, createdAt: 1 });
    // A JS boolean binds on both engines.
    expect(Number((await getDb().get<{ n: number }>(sql`SELECT count(*) AS n FROM courses WHERE auto_approve = ${true} AND id = ${c.id}`))!.n)).toBe(1);
  });

  it("commits a transaction, then runs its afterCommit callbacks, and resolves with its result", async () => {
    const c = newCourse();
    const seen: string[] = [];
    const result = await getDb().transaction(async (tx) => {
      await tx.run(c.insert);
      tx.afterCommit(() => seen.push("after commit"));
      seen.push("in transaction");
      return "done";
    });
    expect(result).toBe("done");
    expect(seen).toEqual(["in transaction", "after commit"]);
    expect(await c.count()).toBe(1);
  });

  it("rolls back when the body throws, and never runs its afterCommit callbacks", async () => {
    const c = newCourse();
    let ran = false;
    await expect(
      getDb().transaction(async (tx) => {
        await tx.run(c.insert);
        tx.afterCommit(() => (ran = true));
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(ran).toBe(false);
    expect(await c.count()).toBe(0);
  });

  it("lets a query on the database itself, and a nested transaction, join the open transaction", async () => {
    const c = newCourse();
    await expect(
      getDb().transaction(async () => {
        await getDb().run(c.insert); // a helper that forgot its tx
        expect(await c.count()).toBe(1); // sees its own uncommitted row
        await getDb().transaction(async (inner) => {
          expect(Number((await inner.get<{ n: number }>(sql`SELECT count(*) AS n FROM courses WHERE id = ${c.id}`))!.n)).toBe(1);
        });
        throw new Error("roll it all back");
      }),
    ).rejects.toThrow();
    expect(await c.count()).toBe(0);
  });

  it("never shows a row from outside that a transaction later rolls back", async () => {
    const c = newCourse();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const wrote = new Promise<void>((r) => (inserted = r));
    const tx = getDb()
      .transaction(async (t) => {
        await t.run(c.insert);
        inserted();
        await gate;
        throw new Error("rolled back");
      })
      .catch(() => {});
    await wrote;
    const outside = c.count(); // SQLite: waits for the transaction; PostgreSQL: reads what is committed
    release();
    expect(await outside).toBe(0);
    await tx;
  });

  it("reports a unique index's refusal as a unique violation", async () => {
    const c = newCourse();
    await getDb().run(c.insert);
    const err = await getDb().run(c.insert).catch((e) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(new Error("other"))).toBe(false);
  });

  it("keeps holders of one exclusive lock apart, and delivers their facts in the order they held it", async () => {
    const spans: Array<[number, number]> = [];
    const delivered: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        getDb().transaction(async (tx) => {
          await tx.lock("contract:lock");
          const start = performance.now();
          await tx.get(sql`SELECT count(*) AS n FROM users`);
          await tx.get(sql`SELECT count(*) AS n FROM courses`);
          spans.push([start, performance.now()]);
          const order = spans.length;
          tx.afterCommit(() => delivered.push(order));
          void i;
        }),
      ),
    );
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe.runIf(engine === "postgres")("PostgreSQL specifics", () => {
  const url = () => process.env.DATABASE_URL!;

  it("keeps audit events append-only: UPDATE, DELETE and TRUNCATE are refused", async () => {
    await getDb().run(sql`INSERT INTO audit_events (at, entity, action) VALUES (${1}, 'session', 'start')`);
    for (const statement of [sql`UPDATE audit_events SET action = 'x'`, sql`DELETE FROM audit_events`, sql`TRUNCATE audit_events`]) {
      await expect(getDb().run(statement)).rejects.toThrow(/append-only/);
    }
    expect(Number((await getDb().get<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events`))!.n)).toBe(1);
  });

  it("enforces one active session per course and one student per device with partial unique indexes", async () => {
    const c = newCourse();
    await getDb().run(c.insert);
    const start = (id: string, status: string) =>
      getDb().run(sql`INSERT INTO sessions (id, course_id, status, started_at, late_after_minutes, rotation_seconds, code_rotation_seconds, secret, code_anchor_at)
                      VALUES (${id}, ${c.id}, ${status}, 1, 10, 10, 30, 's', 1)`);
    await start(`${c.id}-s1`, "active");
    expect(isUniqueViolation(await start(`${c.id}-s2`, "active").catch((e) => e))).toBe(true);
    await start(`${c.id}-s3`, "ended");
  });

  it("migrates a new database exactly once when several nodes start on it at the same moment", async () => {
    const admin = postgres(url(), { max: 1, onnotice: () => {} });
    const name = `fresh_${process.pid}_${Date.now()}`;
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    const fresh = new URL(url());
    fresh.pathname = `/${name}`;
    const nodes: PostgresDatabase[] = Array.from({ length: 4 }, () => openPostgres(fresh.toString(), { max: 2 }));
    try {
      await Promise.all(nodes.map((db) => db.ready()));
      const applied = await nodes[0].all<{ hash: string }>(sql`SELECT hash FROM drizzle.__drizzle_migrations`);
      const journal = (await import("../../drizzle-pg/meta/_journal.json")).default as { entries: unknown[] };
      expect(applied).toHaveLength(journal.entries.length);
      expect(new Set(applied.map((r) => r.hash)).size).toBe(applied.length);
    } finally {
      await Promise.all(nodes.map((db) => db.close()));
      await admin.unsafe(`DROP DATABASE "${name}"`);
      await admin.end();
    }
  });

  it("fails to open with one line naming the server (without its password) when it cannot be reached", async () => {
    const unreachable = "postgres://rollcall:hunter2@127.0.0.1:1/rollcall";
    const db = openPostgres(unreachable);
    const err = await db.ready().catch((e) => e);
    await db.close();
    const line = describePostgresError(err, unreachable);
    expect(line).toMatch(/^cannot use PostgreSQL at postgres:\/\/rollcall:\*\*\*@127\.0\.0\.1:1\/rollcall: .*ECONNREFUSED/);
    expect(line).not.toContain("hunter2");
    expect(line).not.toContain("\n");
  });
});
