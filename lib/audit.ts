import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "./db/database";
import type { AUDIT_ACTIONS, AuditEntity } from "./model/vocabulary";

/**
 * The one write path for audit events (append-only: the database refuses
 * UPDATE and DELETE). Written inside the transaction of the change it records.
 */
export type AuditEntry = {
  [E in AuditEntity]: {
    entity: E;
    action: (typeof AUDIT_ACTIONS)[E][number];
    at: number;
    actorId: string | null;
    sessionId?: string | null;
    courseId?: string | null;
    subjectId?: string | null;
    from?: string | null;
    to?: string | null;
    /** A mark's note, so the trail says what it was when it changed. */
    note?: string | null;
  };
}[AuditEntity];

export async function audit(tx: Queryable, e: AuditEntry): Promise<void> {
  await tx.run(sql`
    INSERT INTO audit_events (at, actor_id, entity, action, session_id, course_id, subject_id, from_value, to_value, note)
    VALUES (${e.at}, ${e.actorId}, ${e.entity}, ${e.action}, ${e.sessionId ?? null}, ${e.courseId ?? null},
            ${e.subjectId ?? null}, ${e.from ?? null}, ${e.to ?? null}, ${e.note ?? null})`);
}

type WithoutSubject<T> = T extends unknown ? Omit<T, "subjectId"> : never;

/** The same entry once per subject id that `subjects` selects (one column, `subject_id`). */
export async function auditEach(tx: Queryable, e: WithoutSubject<AuditEntry>, subjects: SQL): Promise<void> {
  await tx.run(sql`
    INSERT INTO audit_events (at, actor_id, entity, action, session_id, course_id, subject_id, from_value, to_value, note)
    SELECT ${e.at}, ${e.actorId}, ${e.entity}, ${e.action}, ${e.sessionId ?? null}, ${e.courseId ?? null},
           subjects.subject_id, ${e.from ?? null}, ${e.to ?? null}, ${e.note ?? null}
    FROM (${subjects}) subjects`);
}
