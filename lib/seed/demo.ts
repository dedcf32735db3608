import { sql } from "drizzle-orm";
import { hashPassword } from "../auth/password";
import { now } from "../clock";
import { newEnrollCode, newId } from "../ids";
import { courseLabel } from "../model/course";
import type { UserKind } from "../model/vocabulary";
import { isUniqueViolation, type Database, type Queryable } from "../db/database";

export const DEMO_PASSWORD = "rollcall-demo";
export const DEMO_TEACHER_EMAIL = "teacher@rollcall.test";
export const DEMO_STUDENT_COUNT = 30;
export const demoStudentEmail = (n: number) => `student${String(n).padStart(2, "0")}@rollcall.test`;

const FIRST = ["Ada", "Ben", "Chloe", "Diego", "Emma", "Farah", "Gabe", "Hana", "Ivan", "Jade", "Kofi", "Lena", "Mateo", "Nina", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoe", "Arjun", "Bella", "Caleb", "Dana"];
const LAST = ["Lovelace", "Okafor", "Martin", "Silva", "Schmidt", "Haddad", "Nguyen", "Sato", "Petrov", "Moreau", "Mensah", "Fischer", "Garcia", "Kowalski", "Aziz", "Patel", "Byrne", "Costa", "Virtanen", "Singh", "Farouk", "Novak", "Li", "Ramirez", "Demir", "Walsh", "Rao", "Rossi", "Hughes", "Kim"];

export type DemoSummary = { teacherEmail: string; studentEmails: string[]; password: string; courseName: string; enrollCode: string };

/** Creates the demo teacher, 30 students and a course — only on a database with no users. */
export async function seedDemo(db: Database): Promise<DemoSummary | null> {
  const count = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM users`);
  if (Number(count?.n) > 0) return null;
  // One hash for every demo account keeps seeding fast; these are public demo passwords anyway.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const students = Array.from({ length: DEMO_STUDENT_COUNT }, (_, i) => ({
    id: newId(),
    name: `${FIRST[i]} ${LAST[i]}`,
    email: demoStudentEmail(i + 1),
  }));
  const course = { id: newId(), name: "Introduction to Computer Science", code: "CS101", term: "Fall 2026", enrollCode: newEnrollCode() };
  try {
    await db.transaction((tx) =>
      seedCourse(tx, { teacher: { id: newId(), name: "Dr. Grace Hopper", email: DEMO_TEACHER_EMAIL }, students, course, passwordHash }),
    );
  } catch (e) {
    // Another node starting at the same moment on the same empty database seeded it first.
    if (isUniqueViolation(e)) return null;
    throw e;
  }
  return {
    teacherEmail: DEMO_TEACHER_EMAIL,
    studentEmails: students.map((s) => s.email),
    password: DEMO_PASSWORD,
    courseName: courseLabel(course),
    enrollCode: course.enrollCode,
  };
}

type Person = { id: string; name: string; email: string };

/**
 * A teacher, a course they own and its approved students, all sharing one
 * password hash: demo data, and the benchmark's lecture hall.
 */
export async function seedCourse(
  tx: Queryable,
  s: { teacher: Person; students: Person[]; course: { id: string; name: string; code: string | null; term: string | null; enrollCode: string }; passwordHash: string },
): Promise<void> {
  const t = now();
  const addUser = (p: Person, kind: UserKind) =>
    tx.run(sql`INSERT INTO users (id, name, email, email_key, password_hash, kind, created_at)
               VALUES (${p.id}, ${p.name}, ${p.email}, ${p.email.toLowerCase()}, ${s.passwordHash}, ${kind}, ${t})`);
  await addUser(s.teacher, "teacher");
  await tx.run(sql`INSERT INTO courses (id, name, code, term, enroll_code, auto_approve, owner_id, created_at)
                   VALUES (${s.course.id}, ${s.course.name}, ${s.course.code}, ${s.course.term}, ${s.course.enrollCode}, ${true}, ${s.teacher.id}, ${t})`);
  await tx.run(sql`INSERT INTO course_staff (id, course_id, user_id, role, created_at) VALUES (${newId()}, ${s.course.id}, ${s.teacher.id}, 'owner', ${t})`);
  for (const student of s.students) {
    await addUser(student, "student");
    await tx.run(sql`INSERT INTO enrollments (course_id, student_id, status, created_at, updated_at)
                     VALUES (${s.course.id}, ${student.id}, 'approved', ${t}, ${t})`);
  }
}

export function describeDemo(s: DemoSummary): string {
  return [
    "Demo data created:",
    `  teacher:  ${s.teacherEmail}  /  ${s.password}`,
    `  students: ${s.studentEmails[0]} … ${s.studentEmails[s.studentEmails.length - 1]}  /  ${s.password}`,
    `  course:   ${s.courseName} (enroll code ${s.enrollCode})`,
  ].join("\n");
}
