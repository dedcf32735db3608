import { sql } from "drizzle-orm";
import { getDb, type Queryable, type Transaction } from "../db/client";
import type { DomainEvent } from "../events";
import type { Counts } from "../model/attendance";
import { processSingleton } from "../process-store";
import { holdCounts } from "./locks";

/** Counts of one session over its course's approved students (SPEC §4), in one statement. */
export async function computeCounts(sessionId: string, courseId: string, db: Queryable = getDb()): Promise<Counts> {
  const rows = await db.all<{ status: keyof Counts | "total"; n: number }>(sql`
    SELECT 'total' AS status, count(*) AS n FROM enrollments WHERE course_id = ${courseId} AND status = 'approved'
    UNION ALL
    SELECT r.status AS status, count(*) AS n FROM attendance_records r
    JOIN enrollments e ON e.course_id = ${courseId} AND e.student_id = r.student_id AND e.status = 'approved'
    WHERE r.session_id = ${sessionId} GROUP BY r.status`);
  const counts: Counts = { present: 0, late: 0, absent: 0, excused: 0, unmarked: 0, total: 0 };
  let marked = 0;
  for (const r of rows) {
    if (r.status === "total") {
      counts.total = Number(r.n);
      continue;
    }
    counts[r.status] = Number(r.n);
    marked += Number(r.n);
  }
  counts.unmarked = Math.max(0, counts.total - marked);
  return counts;
}

/**
 * The session's counts as this transaction will commit them. Where several
 * processes write, writers of one session count one at a time right before
 * their commit (`holdCounts`), so the counts include every change committed
 * before and the events leave in commit order.
 */
export async function countsAtCommit(tx: Transaction, sessionId: string, courseId: string): Promise<Counts> {
  await holdCounts(tx, sessionId);
  return computeCounts(sessionId, courseId, tx);
}

/**
 * Counts are read on every check-in, so a process that hears every write
 * (it subscribed `countsCache`; only where it is the sole writer, see
 * server/wire.ts) keeps them per session. Each change carries
 * the counts as of its own commit (`countsAfter`, inside the transaction),
 * so events reach consoles in commit order with counts that match. A process
 * that did not subscribe always counts.
 */
type Cache = { enabled: boolean; bySession: Map<string, Counts> };
const cache = () => processSingleton<Cache>("attendance.counts", () => ({ enabled: false, bySession: new Map() }));

export async function getCounts(sessionId: string, courseId: string, db: Queryable = getDb()): Promise<Counts> {
  const c = cache();
  const hit = c.enabled ? c.bySession.get(sessionId) : undefined;
  if (hit) return { ...hit };
  const counts = await computeCounts(sessionId, courseId, db);
  if (c.enabled) c.bySession.set(sessionId, counts);
  return { ...counts };
}

/**
 * The session's counts inside `tx`, after it wrote a first record for an
 * approved student with `status` (a check-in): one more in `status`, one
 * fewer unmarked. From the cache when it has them; nothing is cached until
 * the transaction commits and its event arrives.
 */
export async function countsAfterCheckin(tx: Transaction, sessionId: string, courseId: string, status: keyof Counts): Promise<Counts> {
  const c = cache();
  const before = c.enabled ? c.bySession.get(sessionId) : undefined;
  if (!before) return countsAtCommit(tx, sessionId, courseId);
  const after = { ...before };
  after[status] += 1;
  after.unmarked = Math.max(0, after.unmarked - 1);
  return after;
}

/** The counts cache's subscription: keeps each session's counts as of the latest commit. */
export function countsCache(event: DomainEvent): void {
  const c = cache();
  if (!c.enabled) return;
  switch (event.type) {
    case "attendance.marked":
    case "attendance.unmarked":
      c.bySession.set(event.sessionId, { ...event.counts });
      return;
    case "session.ended":
      c.bySession.set(event.session.id, { ...event.counts });
      return;
    case "enrollment.changed":
    case "roster.imported":
      // Totals count approved students: every session of the course may change.
      c.bySession.clear();
      return;
  }
}

/** Turns the cache on (at server start, with the subscription); returns the switch to turn it off. */
export function enableCountsCache(): () => void {
  cache().enabled = true;
  return () => {
    cache().enabled = false;
    cache().bySession.clear();
  };
}
