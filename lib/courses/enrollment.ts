import { sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit";
import { now } from "../clock";
import { getDb, type Transaction } from "../db/client";
import { AppError } from "../errors";
import { publish } from "../events";
import { byNameThenId } from "../model/order";
import { ENROLLMENT_STATUSES, isStaff, type EnrollmentStatus, type PublicUser } from "../model/vocabulary";
import { authorize, courseAccess, courseSessionIds, lockCourse } from "./access";

export const enrollSchema = z.object({
  code: z
    .string()
    .trim()
    .transform((c) => c.toUpperCase().replace(/[\s-]/g, ""))
    .pipe(z.string().regex(/^[A-Z0-9]{8}$/, "Enroll codes are 8 letters and digits.")),
});

/** A school's id for a student: free text as the registrar writes it, trimmed; empty clears it. */
export const studentNumberSchema = z
  .string()
  .trim()
  .max(40, "Student numbers are at most 40 characters.")
  .transform((v) => v || null)
  .nullable();

export const enrollmentStatusSchema = z
  .object({ status: z.enum(ENROLLMENT_STATUSES).optional(), studentNumber: studentNumberSchema.optional() })
  .refine((v) => v.status !== undefined || v.studentNumber !== undefined, "Send a status, a student number, or both.");

export type EnrollResult = {
  enrollment: { courseId: string; status: EnrollmentStatus };
  created: boolean;
  course: { id: string; name: string };
};

/** What the enroll page shows before the student confirms. */
export async function courseByEnrollCode(
  code: string,
): Promise<{ id: string; name: string; code: string | null; term: string | null; archived: boolean } | null> {
  const row = await getDb().get<{ id: string; name: string; code: string | null; term: string | null; archivedAt: number | null }>(sql`
    SELECT id, name, code, term, archived_at AS "archivedAt" FROM courses WHERE enroll_code = ${code}`);
  if (!row) return null;
  const { archivedAt, ...course } = row;
  return { ...course, archived: archivedAt !== null };
}

/**
 * A student joins with the course's enroll code: approved at once or pending,
 * as the course says. Asking again changes nothing; a rejected request stays
 * rejected (asking again must not bypass the teacher); a dropped student may
 * come back.
 */
export async function enroll(user: PublicUser, code: string): Promise<EnrollResult> {
  const found = await courseByEnrollCode(code);
  if (!found) throw new AppError("not_found", "No course has that enroll code. Check it with your teacher.");
  return getDb().transaction(async (tx) => {
    await holdEnrollment(tx, found.id, user.id);
    const access = (await courseAccess(user.id, found.id, tx))!;
    const { course } = access;
    if (isStaff(access.role)) throw new AppError("forbidden", "You teach this course, so you cannot enroll in it.");
    const info = { id: course.id, name: course.name };
    const existing = access.enrollmentStatus;
    if (existing === "approved" || existing === "pending" || existing === "rejected") {
      return { enrollment: { courseId: course.id, status: existing }, created: false, course: info };
    }
    // An archived course takes no one new (SPEC §9), even when it was archived a moment ago.
    await lockCourse(tx, course.id, { requireOpen: true });
    const t = now();
    const status: EnrollmentStatus = course.autoApprove ? "approved" : "pending";
    await tx.run(sql`
      INSERT INTO enrollments (course_id, student_id, status, created_at, updated_at)
      VALUES (${course.id}, ${user.id}, ${status}, ${t}, ${t})
      ON CONFLICT (course_id, student_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`);
    await audit(tx, { at: t, actorId: user.id, entity: "enrollment", action: "enroll", courseId: course.id, subjectId: user.id, from: existing, to: status });
    publish(tx, {
      type: "enrollment.changed",
      courseId: course.id,
      courseName: course.name,
      studentId: user.id,
      student: { id: user.id, name: user.name, email: user.email },
      from: existing,
      to: status,
      requested: true,
    });
    return { enrollment: { courseId: course.id, status }, created: true, course: info };
  });
}

/**
 * Staff approve, reject or drop (or restore) a student's enrollment, and/or
 * set their student number. Approving in an archived course is
 * `course_archived`; a member of the course's staff cannot be approved as a
 * student of it.
 */
export async function setEnrollmentStatus(
  actor: PublicUser,
  courseId: string,
  studentId: string,
  input: { status?: EnrollmentStatus; studentNumber?: string | null },
) {
  return getDb().transaction(async (tx) => {
    await holdEnrollment(tx, courseId, studentId);
    const { course } = await authorize(actor.id, courseId, "roster.manage", tx);
    const current = await tx.get<{ status: EnrollmentStatus; studentNumber: string | null; staff: number }>(sql`
      SELECT e.status, e.student_number AS "studentNumber",
             (SELECT count(*) FROM course_staff st WHERE st.course_id = e.course_id AND st.user_id = e.student_id) AS staff
      FROM enrollments e WHERE e.course_id = ${courseId} AND e.student_id = ${studentId}`);
    if (!current) throw new AppError("not_found", "That student has no enrollment in this course.");
    const status = input.status ?? current.status;
    const studentNumber = input.studentNumber === undefined ? current.studentNumber : input.studentNumber;
    const t = now();
    if (status !== current.status) {
      if (status === "approved") {
        await lockCourse(tx, courseId, { requireOpen: true });
        if (Number(current.staff) > 0) throw new AppError("invalid_input", "This person is on the course's staff; remove them from the staff before enrolling them as a student.");
      }
      await audit(tx, { at: t, actorId: actor.id, entity: "enrollment", action: "status", courseId, subjectId: studentId, from: current.status, to: status });
    }
    if (studentNumber !== current.studentNumber) {
      await audit(tx, { at: t, actorId: actor.id, entity: "enrollment", action: "student_number", courseId, subjectId: studentId, from: current.studentNumber, to: studentNumber });
    }
    await tx.run(sql`
      UPDATE enrollments SET status = ${status}, student_number = ${studentNumber}, updated_at = ${t}
      WHERE course_id = ${courseId} AND student_id = ${studentId}`);
    if (status !== current.status) {
      publish(tx, { type: "enrollment.changed", courseId, courseName: course.name, studentId, from: current.status, to: status, requested: false });
      if (current.status === "approved") {
        publish(tx, { type: "access.revoked", courseId, userId: studentId, as: "student", sessionIds: await courseSessionIds(tx, courseId) });
      }
    }
    return { courseId, studentId, status, studentNumber, updatedAt: new Date(t).toISOString() };
  });
}

/**
 * One change to a student's enrollment at a time, across processes: each
 * change reads the status the previous one wrote, so a rejection cannot be
 * overwritten by a request in flight and the audit trail chains from → to.
 */
export function holdEnrollment(tx: Transaction, courseId: string, studentId: string): Promise<void> {
  return tx.lock(`enrollment:${courseId}:${studentId}`);
}

export type CourseStudent = { id: string; name: string; email: string; status: EnrollmentStatus };

/** Everyone who ever enrolled, with their status (SPEC §4 `students`, exactly those fields). */
export async function courseStudents(courseId: string): Promise<CourseStudent[]> {
  return getDb().all<CourseStudent>(sql`
    SELECT u.id, u.name, u.email, e.status FROM enrollments e JOIN users u ON u.id = e.student_id
    WHERE e.course_id = ${courseId} ORDER BY u.name`);
}

export type RosterEntry = CourseStudent & { studentNumber: string | null; updatedAt: string };

/** The Students tab's list: everyone who ever enrolled, with student numbers (SPEC §9), by name. */
export async function courseRoster(actor: PublicUser, courseId: string): Promise<RosterEntry[]> {
  await authorize(actor.id, courseId, "roster.manage");
  const rows = await getDb().all<Omit<RosterEntry, "updatedAt"> & { updatedAt: number }>(sql`
    SELECT u.id, u.name, u.email, e.status, e.student_number AS "studentNumber", e.updated_at AS "updatedAt"
    FROM enrollments e JOIN users u ON u.id = e.student_id
    WHERE e.course_id = ${courseId}`);
  return rows.map((r) => ({ ...r, updatedAt: new Date(Number(r.updatedAt)).toISOString() })).sort(byNameThenId);
}

export type EnrollmentCounts = { approved: number; pending: number };

/** Approved and pending students per course, in one query for a whole dashboard. */
export async function enrollmentCounts(courseIds: string[]): Promise<Map<string, EnrollmentCounts>> {
  const out = new Map<string, EnrollmentCounts>(courseIds.map((id) => [id, { approved: 0, pending: 0 }]));
  if (courseIds.length === 0) return out;
  const rows = await getDb().all<{ courseId: string; status: "approved" | "pending"; n: number }>(sql`
    SELECT course_id AS "courseId", status, count(*) AS n FROM enrollments
    WHERE course_id IN ${courseIds} AND status IN ('approved', 'pending')
    GROUP BY course_id, status`);
  for (const r of rows) out.get(r.courseId)![r.status] = Number(r.n);
  return out;
}
