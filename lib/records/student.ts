import { sql } from "drizzle-orm";
import { getDb } from "../db/client";
import type { Course } from "../db/schema";
import { AppError } from "../errors";
import type { MyCourseAttendance, StudentAttendance } from "../model/records";
import type { EnrollmentStatus, PublicUser } from "../model/vocabulary";
import { can } from "../courses/permissions";
import { courseAccess, decodeCourse } from "../courses/access";
import { columnsOf } from "../db/rows";
import { courses } from "../db/schema";
import { ALL_DATES } from "./range";
import { byName, ownRows, standingOf, studentRecord } from "./term";
import type { DateRange } from "./zoned";

/**
 * `GET /api/courses/:courseId/students/:studentId/attendance` (SPEC §10):
 * the course's staff, or that student (approved) about themself. Anyone else
 * is refused before anything about the student is read.
 */
export async function studentAttendance(actor: PublicUser, courseId: string, studentId: string, range: DateRange = ALL_DATES): Promise<StudentAttendance> {
  const access = await courseAccess(actor.id, courseId);
  if (!access) throw new AppError("not_found", "Course not found.");
  const self = actor.id === studentId && can(access.role, "records.own");
  if (!can(access.role, "history.view") && !self) throw new AppError("forbidden");
  const student = await getDb().get<StudentAttendance["student"]>(sql`
    SELECT u.id, u.name, u.email, e.student_number AS "studentNumber", e.status AS "enrollmentStatus"
    FROM enrollments e JOIN users u ON u.id = e.student_id
    WHERE e.course_id = ${courseId} AND e.student_id = ${studentId}`);
  if (!student) throw new AppError("not_found", "That student is not in this course.");
  return recordsOf(student, access.course, range);
}

async function recordsOf(student: StudentAttendance["student"], course: Course, range: DateRange): Promise<StudentAttendance> {
  const rows = await ownRows(student.id, [course.id], { ...range, timeZone: course.timeZone });
  return {
    student,
    ...standingOf(rows, course),
    warnBelowPercent: Number(course.warnBelowPercent),
    records: rows.map(studentRecord),
  };
}

/**
 * `GET /api/me/attendance` (SPEC §10): the signed-in person's own records in
 * every course where they are an approved student, in three queries however
 * many courses. Courses by name.
 */
export async function myAttendance(user: PublicUser): Promise<MyCourseAttendance[]> {
  const rows = await getDb().all<Course & { enrollmentStatus: EnrollmentStatus }>(sql`
    SELECT ${columnsOf(courses, "c")} FROM courses c
    JOIN enrollments e ON e.course_id = c.id AND e.student_id = ${user.id} AND e.status = 'approved'`);
  const list = rows.map((r) => decodeCourse(r)).sort(byName);
  const all = await ownRows(
    user.id,
    list.map((c) => c.id),
    ALL_DATES,
  );
  const byCourse = new Map<string, typeof all>(list.map((c) => [c.id, []]));
  for (const r of all) byCourse.get(r.courseId)?.push(r);
  return list.map((c) => {
    const own = byCourse.get(c.id)!;
    return {
      courseId: c.id,
      courseName: c.name,
      courseCode: c.code,
      ...standingOf(own, c),
      warnBelowPercent: Number(c.warnBelowPercent),
      records: own.map(studentRecord),
    };
  });
}
