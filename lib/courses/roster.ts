import { sql } from "drizzle-orm";
import { audit } from "../audit";
import { now } from "../clock";
import { getDb, type Queryable } from "../db/client";
import { AppError } from "../errors";
import { publish } from "../events";
import { newId } from "../ids";
import type { EnrollmentStatus, PublicUser } from "../model/vocabulary";
import { authorize, lockCourse } from "./access";
import { validateRoster, type InvalidRow, type ParsedRow, type ValidRow } from "./roster-file";

export type ImportResult = { added: number; alreadyEnrolled: number; invited: number; invalid: InvalidRow[] };

type Known = { key: string; id: string; status: EnrollmentStatus | null; studentNumber: string | null; staff: number };
type Invited = { key: string; id: string };

type Plan = {
  enroll: Array<ValidRow & { userId: string; from: EnrollmentStatus | null }>;
  renumber: Array<ValidRow & { userId: string; from: string | null }>;
  already: number;
  invite: Array<ValidRow & { invitationId: string | null }>;
  invalid: InvalidRow[];
};

const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** What the rows would do to this course, read in a few queries (accounts, enrollments, staff and invitations by e-mail). */
async function plan(db: Queryable, courseId: string, rows: ParsedRow[]): Promise<Plan> {
  const { valid, invalid } = validateRoster(rows);
  const known = new Map<string, Known>();
  const invited = new Map<string, Invited>();
  for (const part of chunks(valid.map((r) => r.key))) {
    const users = await db.all<Known>(sql`
      SELECT u.email_key AS key, u.id, e.status, e.student_number AS "studentNumber",
             (SELECT count(*) FROM course_staff st WHERE st.course_id = ${courseId} AND st.user_id = u.id) AS staff
      FROM users u LEFT JOIN enrollments e ON e.course_id = ${courseId} AND e.student_id = u.id
      WHERE u.email_key IN ${part}`);
    for (const u of users) known.set(u.key, u);
    const invitations = await db.all<Invited>(sql`
      SELECT email_key AS key, id FROM course_invitations WHERE course_id = ${courseId} AND email_key IN ${part}`);
    for (const i of invitations) invited.set(i.key, i);
  }
  const out: Plan = { enroll: [], renumber: [], already: 0, invite: [], invalid: [...invalid] };
  for (const row of valid) {
    const user = known.get(row.key);
    if (!user) {
      out.invite.push({ ...row, invitationId: invited.get(row.key)?.id ?? null });
    } else if (Number(user.staff) > 0) {
      out.invalid.push({ line: row.line, email: row.email, reason: "On this course's staff; staff cannot be enrolled as students." });
    } else if (user.status === "approved") {
      out.already++;
      if (row.studentNumber && row.studentNumber !== user.studentNumber) out.renumber.push({ ...row, userId: user.id, from: user.studentNumber });
    } else {
      // Pending, rejected or dropped: the staff vouch for the student, who is approved again.
      out.enroll.push({ ...row, userId: user.id, from: user.status });
    }
  }
  out.invalid.sort((a, b) => a.line - b.line);
  return out;
}

/**
 * Staff import a class list (SPEC §9). Existing accounts are enrolled
 * approved (also after a rejection or drop), unknown e-mails become
 * invitations that enroll the student when that address registers, student
 * numbers are stored on the enrollment. All valid rows are applied in one
 * transaction; invalid rows are reported with their line and never applied.
 * `dryRun` reports the same and writes nothing.
 */
export async function importRoster(actor: PublicUser, courseId: string, rows: ParsedRow[], opts: { dryRun: boolean }): Promise<ImportResult> {
  if (opts.dryRun) {
    const { course } = await authorize(actor.id, courseId, "roster.manage");
    if (course.archivedAt !== null) throw new AppError("course_archived");
    return summary(await plan(getDb(), courseId, rows));
  }
  return getDb().transaction(async (tx) => {
    const { course } = await authorize(actor.id, courseId, "roster.manage", tx);
    await lockCourse(tx, courseId, { requireOpen: true });
    const p = await plan(tx, courseId, rows);
    const t = now();
    for (const part of chunks(p.enroll, 200)) {
      const values = sql.join(
        part.map((r) => sql`(${courseId}, ${r.userId}, 'approved', ${r.studentNumber}, ${t}, ${t})`),
        sql`, `,
      );
      await tx.run(sql`
        INSERT INTO enrollments (course_id, student_id, status, student_number, created_at, updated_at) VALUES ${values}
        ON CONFLICT (course_id, student_id) DO UPDATE SET status = excluded.status,
          student_number = COALESCE(excluded.student_number, enrollments.student_number), updated_at = excluded.updated_at`);
    }
    for (const r of p.enroll) {
      await audit(tx, { at: t, actorId: actor.id, entity: "enrollment", action: "import", courseId, subjectId: r.userId, from: r.from, to: "approved" });
    }
    for (const r of p.renumber) {
      await tx.run(sql`UPDATE enrollments SET student_number = ${r.studentNumber}, updated_at = ${t} WHERE course_id = ${courseId} AND student_id = ${r.userId}`);
      await audit(tx, { at: t, actorId: actor.id, entity: "enrollment", action: "student_number", courseId, subjectId: r.userId, from: r.from, to: r.studentNumber });
    }
    for (const part of chunks(p.invite, 200)) {
      const values = sql.join(
        part.map((r) => sql`(${r.invitationId ?? newId()}, ${courseId}, ${r.email}, ${r.key}, ${r.name}, ${r.studentNumber}, ${actor.id}, ${t})`),
        sql`, `,
      );
      await tx.run(sql`
        INSERT INTO course_invitations (id, course_id, email, email_key, name, student_number, created_by, created_at) VALUES ${values}
        ON CONFLICT (course_id, email_key) DO UPDATE SET email = excluded.email,
          name = COALESCE(excluded.name, course_invitations.name),
          student_number = COALESCE(excluded.student_number, course_invitations.student_number)`);
    }
    for (const r of p.invite) {
      if (r.invitationId) continue;
      await audit(tx, { at: t, actorId: actor.id, entity: "enrollment", action: "invite", courseId, subjectId: null, to: "invited", note: r.email });
    }
    if (p.enroll.length > 0 || p.invite.length > 0 || p.renumber.length > 0) {
      publish(tx, { type: "roster.imported", courseId, courseName: course.name, enrolledStudentIds: p.enroll.map((r) => r.userId), invited: p.invite.length });
    }
    return summary(p);
  });
}

function summary(p: Plan): ImportResult {
  return { added: p.enroll.length, alreadyEnrolled: p.already, invited: p.invite.length, invalid: p.invalid };
}
