import { sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit";
import { now } from "../clock";
import { getDb, type Queryable } from "../db/client";
import type { Transaction } from "../db/database";
import { AppError } from "../errors";
import { publish } from "../events";
import { newId } from "../ids";
import { STAFF_ROLES, type PublicUser, type StaffRole, type StaffStatus } from "../model/vocabulary";
import { authorize, courseSessionIds, lockCourse } from "./access";
import { emailKey, emailSchema } from "../model/email";
import { compareText } from "../model/order";

export const addStaffSchema = z.object({ email: emailSchema, role: z.enum(STAFF_ROLES, { message: "Choose owner or ta." }) });
export const staffRoleSchema = z.object({ role: z.enum(STAFF_ROLES, { message: "Choose owner or ta." }) });

/** SPEC §9: an active member (`userId` set) or an invitation waiting for that e-mail (`userId` null, `name` null). */
export type StaffMember = { id: string; userId: string | null; name: string | null; email: string; role: StaffRole; status: StaffStatus };

type StaffRow = { id: string; userId: string | null; name: string | null; email: string; role: StaffRole };

const toMember = (r: StaffRow): StaffMember => ({ ...r, status: r.userId ? "active" : "invited" });

const STAFF_SELECT = sql`
  SELECT st.id, st.user_id AS "userId", u.name, COALESCE(u.email, st.invited_email) AS email, st.role
  FROM course_staff st LEFT JOIN users u ON u.id = st.user_id`;

async function memberRow(db: Queryable, courseId: string, memberId: string): Promise<StaffRow | undefined> {
  return db.get<StaffRow>(sql`${STAFF_SELECT} WHERE st.course_id = ${courseId} AND st.id = ${memberId}`);
}

/** Owners first, then TAs, members before invitations, by name. */
export async function listStaff(actor: PublicUser, courseId: string): Promise<StaffMember[]> {
  await authorize(actor.id, courseId, "staff.view");
  const rows = await getDb().all<StaffRow>(sql`${STAFF_SELECT} WHERE st.course_id = ${courseId}`);
  const rank = (r: StaffRow) => (r.role === "owner" ? 0 : 2) + (r.userId ? 0 : 1);
  return rows.sort((a, b) => rank(a) - rank(b) || compareText(a.name ?? a.email, b.name ?? b.email) || (a.id < b.id ? -1 : 1)).map(toMember);
}

/** Active owners other than `exceptMemberId`: a course never has none (SPEC §9 `last_owner`). */
async function otherOwners(tx: Queryable, courseId: string, exceptMemberId: string): Promise<number> {
  const row = await tx.get<{ n: number }>(sql`
    SELECT count(*) AS n FROM course_staff
    WHERE course_id = ${courseId} AND role = 'owner' AND user_id IS NOT NULL AND id <> ${exceptMemberId}`);
  return Number(row?.n ?? 0);
}

function lastOwner(action: "remove" | "demote", self: boolean): AppError {
  const who = self ? "You are" : "This is";
  return new AppError(
    "last_owner",
    `${who} the course's only owner: make someone else an owner first, or ${action === "remove" ? "archive the course instead" : "keep this role"}.`,
  );
}

/**
 * The owner adds a member by e-mail (SPEC §9). An account with that e-mail
 * becomes staff at once; an unknown e-mail is held as an invitation that
 * takes effect when that address registers. Adding someone already on the
 * staff (or invited) sets their role instead, under the last-owner rule.
 * `created` tells the route whether to answer 201 or 200.
 */
export async function addStaff(actor: PublicUser, courseId: string, input: z.infer<typeof addStaffSchema>): Promise<{ member: StaffMember; created: boolean }> {
  return getDb().transaction(async (tx) => {
    await authorize(actor.id, courseId, "staff.manage", tx);
    await lockCourse(tx, courseId);
    const key = emailKey(input.email);
    const t = now();
    const user = await tx.get<{ id: string; name: string; email: string }>(sql`SELECT id, name, email FROM users WHERE email_key = ${key}`);
    const existing = await tx.get<StaffRow>(sql`
      ${STAFF_SELECT} WHERE st.course_id = ${courseId}
      AND (st.user_id = ${user?.id ?? null} OR (st.user_id IS NULL AND st.invited_email_key = ${key}))`);
    if (existing) {
      if (existing.role === input.role) return { member: toMember(existing), created: false };
      return { member: await changeRole(tx, actor, courseId, existing, input.role, t), created: false };
    }
    const id = newId();
    if (user) {
      const enrolled = await tx.get<{ status: string }>(sql`
        SELECT status FROM enrollments WHERE course_id = ${courseId} AND student_id = ${user.id} AND status IN ('approved', 'pending')`);
      if (enrolled) {
        throw new AppError("invalid_input", `${user.name} is enrolled as a student in this course. Drop the enrollment first, then add them to the staff.`);
      }
      await tx.run(sql`
        INSERT INTO course_staff (id, course_id, user_id, role, added_by, created_at)
        VALUES (${id}, ${courseId}, ${user.id}, ${input.role}, ${actor.id}, ${t})`);
      await audit(tx, { at: t, actorId: actor.id, entity: "course", action: "staff_add", courseId, subjectId: user.id, to: input.role });
      publish(tx, { type: "staff.changed", courseId, memberId: id, userId: user.id, from: null, to: input.role });
      return { member: { id, userId: user.id, name: user.name, email: user.email, role: input.role, status: "active" }, created: true };
    }
    const email = input.email.trim();
    await tx.run(sql`
      INSERT INTO course_staff (id, course_id, user_id, invited_email, invited_email_key, role, added_by, created_at)
      VALUES (${id}, ${courseId}, NULL, ${email}, ${key}, ${input.role}, ${actor.id}, ${t})`);
    await audit(tx, { at: t, actorId: actor.id, entity: "course", action: "staff_invite", courseId, subjectId: id, to: input.role, note: email });
    publish(tx, { type: "staff.changed", courseId, memberId: id, userId: null, from: null, to: input.role });
    return { member: { id, userId: null, name: null, email, role: input.role, status: "invited" }, created: true };
  });
}

async function changeRole(tx: Transaction, actor: PublicUser, courseId: string, member: StaffRow, role: StaffRole, t: number): Promise<StaffMember> {
  if (member.role === role) return toMember(member);
  if (member.userId && member.role === "owner" && (await otherOwners(tx, courseId, member.id)) === 0) throw lastOwner("demote", member.userId === actor.id);
  await tx.run(sql`UPDATE course_staff SET role = ${role} WHERE id = ${member.id}`);
  await audit(tx, {
    at: t, actorId: actor.id, entity: "course", action: "staff_role", courseId, subjectId: member.userId ?? member.id,
    from: member.role, to: role, note: member.userId ? null : member.email,
  });
  publish(tx, { type: "staff.changed", courseId, memberId: member.id, userId: member.userId, from: member.role, to: role });
  return toMember({ ...member, role });
}

/** The owner changes a member's (or an invitation's) role; demoting the last owner is `last_owner`. */
export async function setStaffRole(actor: PublicUser, courseId: string, memberId: string, role: StaffRole): Promise<StaffMember> {
  return getDb().transaction(async (tx) => {
    await authorize(actor.id, courseId, "staff.manage", tx);
    await lockCourse(tx, courseId);
    const member = await memberRow(tx, courseId, memberId);
    if (!member) throw new AppError("not_found", "No such staff member in this course.");
    return changeRole(tx, actor, courseId, member, role, now());
  });
}

/**
 * The owner removes a member or withdraws a staff invitation. Removing the
 * last owner, also oneself, is `last_owner`. The person's open sockets leave
 * the course's rooms once this commits (lib/realtime/access.ts).
 */
export async function removeStaff(actor: PublicUser, courseId: string, memberId: string): Promise<void> {
  await getDb().transaction(async (tx) => {
    await authorize(actor.id, courseId, "staff.manage", tx);
    await lockCourse(tx, courseId);
    const member = await memberRow(tx, courseId, memberId);
    if (!member) throw new AppError("not_found", "No such staff member in this course.");
    if (member.userId && member.role === "owner" && (await otherOwners(tx, courseId, member.id)) === 0) throw lastOwner("remove", member.userId === actor.id);
    await tx.run(sql`DELETE FROM course_staff WHERE id = ${member.id}`);
    await audit(tx, {
      at: now(), actorId: actor.id, entity: "course", action: "staff_remove", courseId, subjectId: member.userId ?? member.id,
      from: member.role, note: member.userId ? null : member.email,
    });
    publish(tx, { type: "staff.changed", courseId, memberId: member.id, userId: member.userId, from: member.role, to: null });
    if (member.userId) publish(tx, { type: "access.revoked", courseId, userId: member.userId, as: "staff", sessionIds: await courseSessionIds(tx, courseId) });
  });
}

/** Is a staff invitation waiting for this e-mail? Such an address registers as a teacher (SPEC §9, §13). */
export async function hasStaffInvitation(db: Queryable, email: string): Promise<boolean> {
  return !!(await db.get(sql`SELECT 1 AS found FROM course_staff WHERE user_id IS NULL AND invited_email_key = ${emailKey(email)}`));
}
