import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { AppError } from "../api/errors";
import { now } from "../clock";
import { getDb } from "../db/client";
import { auditEvents, courses, courseStaff, enrollments, sessions, users, type Course, type EnrollmentStatus } from "../db/schema";
import { getEnv } from "../env";
import { newEnrollCode, newId } from "../ids";
import type { PublicUser } from "../auth/users";
import { invalidateCounts } from "../attendance/queries";
import { emitEnrollment } from "../realtime/broadcast";
import { courseAccess, isStaff, requireMember, requireStaff, type CourseRole } from "./access";

// Messages are shown next to the settings fields, so they say what is allowed.
const wholeNumber = (range: string) => z.number({ message: `Enter a whole number, ${range}.` }).int(`Enter a whole number, ${range}.`);
export const courseSettingsSchema = {
  lateAfterMinutes: wholeNumber("0 to 1440 minutes").min(0, "Use 0 to 1440 minutes.").max(24 * 60, "Use 0 to 1440 minutes."),
  closeAfterMinutes: wholeNumber("1 to 1440 minutes").min(1, "Use 1 to 1440 minutes, or leave it empty.").max(24 * 60, "Use 1 to 1440 minutes, or leave it empty.").nullable(),
  rotationSeconds: wholeNumber("5 to 300 seconds").min(5, "Use 5 to 300 seconds.").max(300, "Use 5 to 300 seconds."),
  codeRotationSeconds: wholeNumber("0 to 3600 seconds").min(0, "Use 0 (fixed) to 3600 seconds.").max(3600, "Use 0 (fixed) to 3600 seconds."),
};

export const createCourseSchema = z.object({
  name: z.string().trim().min(1, "Enter a course name.").max(120),
  code: z.string().trim().max(20).optional().transform((v) => v || null),
  term: z.string().trim().max(40).optional().transform((v) => v || null),
  autoApprove: z.boolean().default(true),
  lateAfterMinutes: courseSettingsSchema.lateAfterMinutes.optional(),
  closeAfterMinutes: courseSettingsSchema.closeAfterMinutes.optional(),
  rotationSeconds: courseSettingsSchema.rotationSeconds.optional(),
  codeRotationSeconds: courseSettingsSchema.codeRotationSeconds.optional(),
});

export const enrollSchema = z.object({
  code: z
    .string()
    .trim()
    .transform((c) => c.toUpperCase().replace(/[\s-]/g, ""))
    .pipe(z.string().regex(/^[A-Z0-9]{8}$/, "Enroll codes are 8 letters and digits.")),
});

export const enrollmentStatusSchema = z.object({
  status: z.enum(["pending", "approved", "rejected", "dropped"]),
});

export function enrollUrl(enrollCode: string): string {
  return `${getEnv().APP_URL}/enroll/${enrollCode}`;
}

export type CourseDto = ReturnType<typeof courseDto>;

export function courseDto(c: Course, role: CourseRole | null) {
  const base = { id: c.id, name: c.name, code: c.code, term: c.term };
  if (!isStaff(role)) return base;
  return {
    ...base,
    enrollCode: c.enrollCode,
    enrollUrl: enrollUrl(c.enrollCode),
    autoApprove: c.autoApprove,
    lateAfterMinutes: c.lateAfterMinutes,
    closeAfterMinutes: c.closeAfterMinutes,
    rotationSeconds: c.rotationSeconds,
    codeRotationSeconds: c.codeRotationSeconds,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}

export function createCourse(owner: PublicUser, input: z.infer<typeof createCourseSchema>) {
  if (owner.kind !== "teacher") throw new AppError("forbidden", "Only teachers can create courses.");
  const db = getDb();
  const t = now();
  const course: Course = {
    id: newId(),
    name: input.name,
    code: input.code,
    term: input.term,
    enrollCode: newEnrollCode(),
    autoApprove: input.autoApprove,
    lateAfterMinutes: input.lateAfterMinutes ?? 10,
    closeAfterMinutes: input.closeAfterMinutes ?? null,
    rotationSeconds: input.rotationSeconds ?? 10,
    codeRotationSeconds: input.codeRotationSeconds ?? 30,
    ownerId: owner.id,
    createdAt: t,
  };
  db.transaction((tx) => {
    tx.insert(courses).values(course).run();
    tx.insert(courseStaff).values({ courseId: course.id, userId: owner.id, role: "owner", createdAt: t }).run();
    tx.insert(auditEvents).values({ at: t, actorId: owner.id, entity: "course", action: "create", courseId: course.id, subjectId: course.id, toValue: course.name }).run();
  });
  return courseDto(course, "owner");
}

/** Every course the user teaches or is enrolled in (any status, so pending requests show). */
export function listCourses(user: PublicUser) {
  const db = getDb();
  const staffRows = db
    .select({ course: courses, role: courseStaff.role })
    .from(courseStaff)
    .innerJoin(courses, eq(courses.id, courseStaff.courseId))
    .where(eq(courseStaff.userId, user.id))
    .all();
  const studentRows = db
    .select({ course: courses, status: enrollments.status })
    .from(enrollments)
    .innerJoin(courses, eq(courses.id, enrollments.courseId))
    .where(eq(enrollments.studentId, user.id))
    .all();
  const ids = [...staffRows.map((r) => r.course.id), ...studentRows.map((r) => r.course.id)];
  const active = ids.length
    ? db
        .select({ id: sessions.id, courseId: sessions.courseId })
        .from(sessions)
        .where(and(eq(sessions.status, "active"), inArray(sessions.courseId, ids)))
        .all()
    : [];
  const activeByCourse = new Map(active.map((s) => [s.courseId, s.id]));
  const seen = new Set<string>();
  const out: Array<CourseDto & { role: CourseRole | null; enrollmentStatus?: EnrollmentStatus; activeSessionId: string | null }> = [];
  for (const r of staffRows) {
    seen.add(r.course.id);
    out.push({ ...courseDto(r.course, r.role), role: r.role, activeSessionId: activeByCourse.get(r.course.id) ?? null });
  }
  for (const r of studentRows) {
    if (seen.has(r.course.id)) continue;
    const role = r.status === "approved" ? ("student" as const) : null;
    out.push({
      ...courseDto(r.course, role),
      role,
      enrollmentStatus: r.status,
      // Only approved students learn that a session is running.
      activeSessionId: role ? (activeByCourse.get(r.course.id) ?? null) : null,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function getCourse(user: PublicUser, courseId: string) {
  const access = requireMember(user.id, courseId);
  const course = courseDto(access.course, access.role);
  if (!isStaff(access.role)) return { course, role: access.role };
  return { course, role: access.role, students: courseStudents(courseId) };
}

export function courseStudents(courseId: string) {
  return getDb()
    .select({ id: users.id, name: users.name, email: users.email, status: enrollments.status })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.studentId))
    .where(eq(enrollments.courseId, courseId))
    .orderBy(asc(users.name))
    .all();
}

export type EnrollResult = { enrollment: { courseId: string; status: EnrollmentStatus }; created: boolean; course: { id: string; name: string } };

export function enroll(user: PublicUser, code: string): EnrollResult {
  const db = getDb();
  const course = db.select().from(courses).where(eq(courses.enrollCode, code)).get();
  if (!course) throw new AppError("not_found", "No course has that enroll code. Check it with your teacher.");
  const access = courseAccess(user.id, course.id)!;
  if (isStaff(access.role)) throw new AppError("forbidden", "You teach this course, so you cannot enroll in it.");
  const t = now();
  const existing = access.enrollmentStatus;
  const info = { id: course.id, name: course.name };
  if (existing === "approved" || existing === "pending") {
    return { enrollment: { courseId: course.id, status: existing }, created: false, course: info };
  }
  if (existing === "rejected") {
    // A rejected request stays rejected; asking again must not bypass the teacher.
    return { enrollment: { courseId: course.id, status: existing }, created: false, course: info };
  }
  const status: EnrollmentStatus = course.autoApprove ? "approved" : "pending";
  db.transaction((tx) => {
    tx.insert(enrollments)
      .values({ courseId: course.id, studentId: user.id, status, createdAt: t, updatedAt: t })
      .onConflictDoUpdate({ target: [enrollments.courseId, enrollments.studentId], set: { status, updatedAt: t } })
      .run();
    tx.insert(auditEvents).values({ at: t, actorId: user.id, entity: "enrollment", action: "enroll", courseId: course.id, subjectId: user.id, fromValue: existing, toValue: status }).run();
  });
  invalidateCounts();
  const student = { id: user.id, name: user.name, email: user.email };
  // Staff watching the course see requests (and auto-approved joins) arrive live.
  emitEnrollment("requested", { courseId: course.id, courseName: course.name, student, studentId: user.id, status });
  if (status === "approved") emitEnrollment("updated", { courseId: course.id, courseName: course.name, student, studentId: user.id, status });
  return { enrollment: { courseId: course.id, status }, created: true, course: info };
}

export function setEnrollmentStatus(actor: PublicUser, courseId: string, studentId: string, status: EnrollmentStatus) {
  const access = requireStaff(actor.id, courseId);
  const db = getDb();
  const current = db
    .select()
    .from(enrollments)
    .where(and(eq(enrollments.courseId, courseId), eq(enrollments.studentId, studentId)))
    .get();
  if (!current) throw new AppError("not_found", "That student has no enrollment in this course.");
  const t = now();
  db.transaction((tx) => {
    tx.update(enrollments).set({ status, updatedAt: t }).where(and(eq(enrollments.courseId, courseId), eq(enrollments.studentId, studentId))).run();
    tx.insert(auditEvents).values({ at: t, actorId: actor.id, entity: "enrollment", action: "status", courseId, subjectId: studentId, fromValue: current.status, toValue: status }).run();
  });
  // Totals count approved students only.
  invalidateCounts();
  emitEnrollment("updated", { courseId, courseName: access.course.name, studentId, status });
  return { courseId, studentId, status, updatedAt: new Date(t).toISOString() };
}

/** What the enroll page shows before the student confirms; the id stays on the server. */
export function courseByEnrollCode(code: string): { id: string; name: string; code: string | null; term: string | null } | null {
  return (
    getDb()
      .select({ id: courses.id, name: courses.name, code: courses.code, term: courses.term })
      .from(courses)
      .where(eq(courses.enrollCode, code))
      .get() ?? null
  );
}

export type EnrollmentCounts = { approved: number; pending: number };

/** Approved and pending students per course, in one query for a whole dashboard. */
export function enrollmentCounts(courseIds: string[]): Map<string, EnrollmentCounts> {
  const out = new Map<string, EnrollmentCounts>(courseIds.map((id) => [id, { approved: 0, pending: 0 }]));
  if (courseIds.length === 0) return out;
  const rows = getDb()
    .select({ courseId: enrollments.courseId, status: enrollments.status, n: sql<number>`count(*)` })
    .from(enrollments)
    .where(and(inArray(enrollments.courseId, courseIds), inArray(enrollments.status, ["approved", "pending"])))
    .groupBy(enrollments.courseId, enrollments.status)
    .all();
  for (const r of rows) {
    const c = out.get(r.courseId);
    if (c && (r.status === "approved" || r.status === "pending")) c[r.status] = Number(r.n);
  }
  return out;
}
