import { sql } from "drizzle-orm";
import { audit } from "../audit";
import { now } from "../clock";
import { getDb } from "../db/client";
import { columnsOf } from "../db/rows";
import { sessions, type Session } from "../db/schema";
import { publish } from "../events";
import type { PublicUser } from "../model/vocabulary";
import { authorize, findCourse, lockCourse } from "../courses/access";
import { courseDto } from "../courses/courses";
import { endActiveSession } from "./lifecycle";

// Archive and restore live with attendance, not courses: archiving ends the
// course's active session through the one end-session path, and lib/courses
// may not depend on lib/attendance.

/** Students who see the course on their own pages: told when it leaves or comes back. */
async function enrolledStudentIds(courseId: string, tx: Parameters<typeof audit>[0]): Promise<string[]> {
  const rows = await tx.all<{ id: string }>(sql`
    SELECT student_id AS id FROM enrollments WHERE course_id = ${courseId} AND status IN ('approved', 'pending')`);
  return rows.map((r) => r.id);
}

/**
 * The owner puts a finished course away (SPEC §9): it leaves dashboards and
 * course lists, takes no new sessions or enrollments, and keeps every record
 * readable. A session still running is ended as staff would end it (unmarked
 * students become absent), in the same transaction. Archiving an archived
 * course changes nothing.
 */
export async function archiveCourse(actor: PublicUser, courseId: string) {
  return getDb().transaction(async (tx) => {
    const { role } = await authorize(actor.id, courseId, "course.archive", tx);
    await lockCourse(tx, courseId);
    const course = (await findCourse(courseId, tx))!;
    if (course.archivedAt !== null) return courseDto(course, role);
    const t = now();
    const active = await tx.get<Session>(sql`SELECT ${columnsOf(sessions, "s")} FROM sessions s WHERE s.course_id = ${courseId} AND s.status = 'active'`);
    if (active) await endActiveSession(tx, actor, { session: active, course }, t);
    await tx.run(sql`UPDATE courses SET archived_at = ${t} WHERE id = ${courseId}`);
    await audit(tx, { at: t, actorId: actor.id, entity: "course", action: "archive", courseId, subjectId: courseId, to: "archived" });
    publish(tx, { type: "course.updated", courseId, change: "archived", studentIds: await enrolledStudentIds(courseId, tx) });
    return courseDto({ ...course, archivedAt: t }, role);
  });
}

/** Brings an archived course back: sessions and enrollments are possible again. Restoring an open course changes nothing. */
export async function restoreCourse(actor: PublicUser, courseId: string) {
  return getDb().transaction(async (tx) => {
    const { role } = await authorize(actor.id, courseId, "course.archive", tx);
    await lockCourse(tx, courseId);
    const course = (await findCourse(courseId, tx))!;
    if (course.archivedAt === null) return courseDto(course, role);
    await tx.run(sql`UPDATE courses SET archived_at = NULL WHERE id = ${courseId}`);
    await audit(tx, { at: now(), actorId: actor.id, entity: "course", action: "restore", courseId, subjectId: courseId, from: "archived", to: "open" });
    publish(tx, { type: "course.updated", courseId, change: "restored", studentIds: await enrolledStudentIds(courseId, tx) });
    return courseDto({ ...course, archivedAt: null }, role);
  });
}
