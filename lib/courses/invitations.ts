import { sql } from "drizzle-orm";
import { audit } from "../audit";
import { now } from "../clock";
import { getDb } from "../db/client";
import type { Transaction } from "../db/database";
import { AppError } from "../errors";
import { publish } from "../events";
import { emailKey } from "../model/email";
import { compareText } from "../model/order";
import type { EnrollmentStatus, PublicUser, StaffRole } from "../model/vocabulary";
import { authorize } from "./access";

export type InvitationDto = { id: string; email: string; name: string | null; studentNumber: string | null; createdAt: string };

/** Roster invitations still waiting for their address to register, by name. */
export async function listInvitations(actor: PublicUser, courseId: string): Promise<InvitationDto[]> {
  await authorize(actor.id, courseId, "roster.manage");
  const rows = await getDb().all<Omit<InvitationDto, "createdAt"> & { createdAt: number }>(sql`
    SELECT id, email, name, student_number AS "studentNumber", created_at AS "createdAt"
    FROM course_invitations WHERE course_id = ${courseId}`);
  // By the name the class list gave (else the e-mail), as the Students tab lists people.
  return rows
    .map((r) => ({ ...r, createdAt: new Date(Number(r.createdAt)).toISOString() }))
    .sort((a, b) => compareText(a.name ?? a.email, b.name ?? b.email) || compareText(a.email, b.email));
}

/** Staff withdraw a roster invitation: that address no longer joins the course when it registers. */
export async function withdrawInvitation(actor: PublicUser, courseId: string, invitationId: string): Promise<void> {
  await getDb().transaction(async (tx) => {
    await authorize(actor.id, courseId, "roster.manage", tx);
    const row = await tx.get<{ email: string }>(sql`
      DELETE FROM course_invitations WHERE id = ${invitationId} AND course_id = ${courseId} RETURNING email`);
    if (!row) throw new AppError("not_found", "No such invitation in this course.");
    await audit(tx, { at: now(), actorId: actor.id, entity: "enrollment", action: "withdraw_invitation", courseId, subjectId: null, from: "invited", note: row.email });
    publish(tx, { type: "course.updated", courseId, change: "invitations" });
  });
}

export type ClaimedInvitations = {
  staff: Array<{ courseId: string; role: StaffRole }>;
  enrolled: Array<{ courseId: string; courseName: string }>;
};

/**
 * Everything waiting for this person's e-mail becomes theirs, inside the
 * caller's transaction (registration, or single sign-on creating an account):
 * staff invitations make them owner or TA, roster invitations enroll them
 * approved with the student number the class list gave. Where they are now
 * staff, a roster invitation to the same course is dropped (staff are not
 * students of their own course). Each claim is audited and published.
 */
export async function claimInvitations(tx: Transaction, user: Pick<PublicUser, "id" | "name" | "email">): Promise<ClaimedInvitations> {
  const key = emailKey(user.email);
  const t = now();
  const out: ClaimedInvitations = { staff: [], enrolled: [] };

  const staffInvites = await tx.all<{ id: string; courseId: string; role: StaffRole }>(sql`
    SELECT id, course_id AS "courseId", role FROM course_staff WHERE user_id IS NULL AND invited_email_key = ${key}`);
  for (const inv of staffInvites) {
    const member = await tx.get(sql`SELECT 1 AS found FROM course_staff WHERE course_id = ${inv.courseId} AND user_id = ${user.id}`);
    if (member) {
      await tx.run(sql`DELETE FROM course_staff WHERE id = ${inv.id}`);
      continue;
    }
    await tx.run(sql`UPDATE course_staff SET user_id = ${user.id} WHERE id = ${inv.id}`);
    await audit(tx, { at: t, actorId: user.id, entity: "course", action: "staff_claim", courseId: inv.courseId, subjectId: user.id, to: inv.role, note: user.email });
    publish(tx, { type: "staff.changed", courseId: inv.courseId, memberId: inv.id, userId: user.id, from: null, to: inv.role });
    out.staff.push({ courseId: inv.courseId, role: inv.role });
  }

  const rosterInvites = await tx.all<{ id: string; courseId: string; courseName: string; studentNumber: string | null; staff: number; status: EnrollmentStatus | null }>(sql`
    SELECT i.id, i.course_id AS "courseId", c.name AS "courseName", i.student_number AS "studentNumber",
           (SELECT count(*) FROM course_staff st WHERE st.course_id = i.course_id AND st.user_id = ${user.id}) AS staff,
           (SELECT e.status FROM enrollments e WHERE e.course_id = i.course_id AND e.student_id = ${user.id}) AS status
    FROM course_invitations i JOIN courses c ON c.id = i.course_id WHERE i.email_key = ${key}`);
  for (const inv of rosterInvites) {
    await tx.run(sql`DELETE FROM course_invitations WHERE id = ${inv.id}`);
    if (Number(inv.staff) > 0 || inv.status === "approved") continue;
    await tx.run(sql`
      INSERT INTO enrollments (course_id, student_id, status, student_number, created_at, updated_at)
      VALUES (${inv.courseId}, ${user.id}, 'approved', ${inv.studentNumber}, ${t}, ${t})
      ON CONFLICT (course_id, student_id) DO UPDATE SET status = excluded.status,
        student_number = COALESCE(excluded.student_number, enrollments.student_number), updated_at = excluded.updated_at`);
    await audit(tx, { at: t, actorId: user.id, entity: "enrollment", action: "claim_invitation", courseId: inv.courseId, subjectId: user.id, from: inv.status, to: "approved" });
    publish(tx, {
      type: "enrollment.changed",
      courseId: inv.courseId,
      courseName: inv.courseName,
      studentId: user.id,
      student: { id: user.id, name: user.name, email: user.email },
      from: inv.status,
      to: "approved",
      requested: false,
    });
    out.enrolled.push({ courseId: inv.courseId, courseName: inv.courseName });
  }
  return out;
}
