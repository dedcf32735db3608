import Database from "better-sqlite3";

export type DbCheck = { rows: number; perStudent: Map<string, number>; auditCheckins: number | null };

/**
 * What the database says after the server has stopped, read from the SQLite
 * file read-only: the ground truth that acks and broadcasts are checked against.
 */
export function readRecords(dbPath: string, sessionId: string): DbCheck {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare("SELECT student_id AS studentId, count(*) AS n FROM attendance_records WHERE session_id = ? GROUP BY student_id")
      .all(sessionId) as Array<{ studentId: string; n: number }>;
    let auditCheckins: number | null = null;
    const hasAudit = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'").get();
    if (hasAudit) {
      auditCheckins = db.prepare("SELECT count(*) FROM audit_events WHERE session_id = ? AND action = 'checkin'").pluck().get(sessionId) as number;
    }
    return { rows: rows.reduce((sum, r) => sum + r.n, 0), perStudent: new Map(rows.map((r) => [r.studentId, r.n])), auditCheckins };
  } finally {
    db.close();
  }
}
