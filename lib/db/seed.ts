import { hashPassword } from "../auth/password";
import { now } from "../clock";
import { newEnrollCode, newId } from "../ids";
import type { Db } from "./client";
import { courses, courseStaff, enrollments, users } from "./schema";

export const DEMO_PASSWORD = "rollcall-demo";
export const DEMO_TEACHER_EMAIL = "teacher@rollcall.test";
export const DEMO_STUDENT_COUNT = 30;
export const demoStudentEmail = (n: number) => `student${String(n).padStart(2, "0")}@rollcall.test`;

const FIRST = ["Ada", "Ben", "Chloe", "Diego", "Emma", "Farah", "Gabe", "Hana", "Ivan", "Jade", "Kofi", "Lena", "Mateo", "Nina", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoe", "Arjun", "Bella", "Caleb", "Dana"];
const LAST = ["Lovelace", "Okafor", "Martin", "Silva", "Schmidt", "Haddad", "Nguyen", "Sato", "Petrov", "Moreau", "Mensah", "Fischer", "Garcia", "Kowalski", "Aziz", "Patel", "Byrne", "Costa", "Virtanen", "Singh", "Farouk", "Novak", "Li", "Ramirez", "Demir", "Walsh", "Rao", "Rossi", "Hughes", "Kim"];

export type DemoSummary = { teacherEmail: string; studentEmails: string[]; password: string; courseName: string; enrollCode: string };

/** Creates the demo teacher, 30 students and a course — only on a database with no users. */
export async function seedDemo(db: Db): Promise<DemoSummary | null> {
  const count = db.$client.prepare("SELECT count(*) FROM users").pluck().get() as number;
  if (count > 0) return null;
  // One hash for every demo account keeps seeding fast; these are public demo passwords anyway.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const t = now();
  const teacherId = newId();
  const courseId = newId();
  const enrollCode = newEnrollCode();
  const courseName = "Introduction to Computer Science";
  const studentEmails: string[] = [];
  db.transaction((tx) => {
    tx.insert(users).values({ id: teacherId, name: "Dr. Grace Hopper", email: DEMO_TEACHER_EMAIL, emailKey: DEMO_TEACHER_EMAIL, passwordHash, kind: "teacher", createdAt: t }).run();
    tx.insert(courses).values({ id: courseId, name: courseName, code: "CS101", term: "Fall 2026", enrollCode, autoApprove: true, ownerId: teacherId, createdAt: t }).run();
    tx.insert(courseStaff).values({ courseId, userId: teacherId, role: "owner", createdAt: t }).run();
    for (let i = 1; i <= DEMO_STUDENT_COUNT; i++) {
      const id = newId();
      const email = demoStudentEmail(i);
      studentEmails.push(email);
      tx.insert(users).values({ id, name: `${FIRST[i - 1]} ${LAST[i - 1]}`, email, emailKey: email, passwordHash, kind: "student", createdAt: t }).run();
      tx.insert(enrollments).values({ courseId, studentId: id, status: "approved", createdAt: t, updatedAt: t }).run();
    }
  });
  return { teacherEmail: DEMO_TEACHER_EMAIL, studentEmails, password: DEMO_PASSWORD, courseName: `CS101 ${courseName}`, enrollCode };
}

export function describeDemo(s: DemoSummary): string {
  return [
    "Demo data created:",
    `  teacher:  ${s.teacherEmail}  /  ${s.password}`,
    `  students: ${s.studentEmails[0]} … ${s.studentEmails[s.studentEmails.length - 1]}  /  ${s.password}`,
    `  course:   ${s.courseName} (enroll code ${s.enrollCode})`,
  ].join("\n");
}
