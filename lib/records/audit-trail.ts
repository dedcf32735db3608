import { sql } from "drizzle-orm";
import { getDb } from "../db/client";
import type { AuditEventDto } from "../model/records";
import type { PublicUser } from "../model/vocabulary";
import { requireCourseAction } from "./access";
import { loadSession } from "../attendance/sessions";

type Row = {
  id: number;
  at: number;
  actorId: string | null;
  actorName: string | null;
  entity: string;
  action: string;
  subjectId: string | null;
  subjectName: string | null;
  fromValue: string | null;
  toValue: string | null;
  note: string | null;
  otherName: string | null;
};

/**
 * `GET /api/sessions/:sessionId/audit` (SPEC §10): every change to the
 * session and its records, oldest first, with who did it. Staff only.
 */
export async function sessionAudit(actor: PublicUser, sessionId: string): Promise<AuditEventDto[]> {
  const { session } = await loadSession(sessionId);
  await requireCourseAction(actor.id, session.courseId, "history.view");
  const rows = await getDb().all<Row>(sql`
    SELECT a.id, a.at, a.actor_id AS "actorId", act.name AS "actorName", a.entity, a.action, a.subject_id AS "subjectId",
           su.name AS "subjectName", a.from_value AS "fromValue", a.to_value AS "toValue", a.note, o.name AS "otherName"
    FROM audit_events a
    LEFT JOIN users act ON act.id = a.actor_id
    LEFT JOIN users su ON su.id = a.subject_id AND a.entity = 'record'
    LEFT JOIN users o ON o.id = a.from_value AND a.action = 'checkin_flagged'
    WHERE a.session_id = ${sessionId}
    ORDER BY a.id`);
  return rows.map(auditDto);
}

function auditDto(r: Row): AuditEventDto {
  const onRecord = r.entity === "record";
  const flagged = r.action === "checkin_flagged";
  const event: AuditEventDto = {
    id: Number(r.id),
    at: new Date(Number(r.at)).toISOString(),
    actor: r.actorId ? { id: r.actorId, name: r.actorName ?? "(deleted account)" } : null,
    action: r.action,
    studentId: onRecord ? r.subjectId : null,
    studentName: onRecord ? r.subjectName : null,
    // A refused check-in keeps the other student's id in from_value: it is not a status.
    from: flagged ? null : r.fromValue,
    to: r.toValue,
    note: r.note,
  };
  if (flagged) event.otherStudent = r.fromValue ? { id: r.fromValue, name: r.otherName ?? "(deleted account)" } : null;
  return event;
}
