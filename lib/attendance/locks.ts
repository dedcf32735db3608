import type { LockMode, Transaction } from "../db/database";

/**
 * Which writers of one session wait for which when several processes write
 * at once (PostgreSQL). On SQLite these are no-ops: its write transactions
 * already run one at a time.
 *
 * - Check-ins and marks share their session; its end takes it alone. An end
 *   waits for the check-ins in flight, and a check-in after it sees it ended.
 * - One student's record is written by one transaction at a time, so every
 *   audit event's `from` is what the one before it set.
 * - A session's counts are taken by one writer at a time, last thing before
 *   the commit: each change carries the counts as of its own commit, and the
 *   changes commit (and are announced) in that order.
 *
 * Taken in this order — session, record, counts — so no two writers wait for
 * each other in a circle.
 */
export function holdSession(tx: Transaction, sessionId: string, mode: LockMode): Promise<void> {
  return tx.lock(`session:${sessionId}`, mode);
}

export function holdRecord(tx: Transaction, sessionId: string, studentId: string): Promise<void> {
  return tx.lock(`record:${sessionId}:${studentId}`);
}

export function holdCounts(tx: Transaction, sessionId: string): Promise<void> {
  return tx.lock(`counts:${sessionId}`);
}
