import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { codeNow, endSession, regenerateCode, startSession } from "./attendance/lifecycle";
import { checkIn } from "./attendance/checkin";
import { markAttendance } from "./attendance/marking";
import { loadSession } from "./attendance/sessions";
import { registerUser } from "./auth/users";
import { createCourse } from "./courses/courses";
import { enroll, setEnrollmentStatus } from "./courses/enrollment";
import { subscribe, type DomainEvent } from "./events";
import type { PublicUser } from "./model/vocabulary";

// The domain on its own: no HTTP server, no Socket.IO. What each operation
// publishes is what every transport (and the counts cache) builds on.

let heard: DomainEvent[] = [];
const off = subscribe((e) => void heard.push(e));
afterEach(() => {
  heard = [];
});

let n = 0;
const person = (kind: "teacher" | "student", name = `${kind} ${++n}`) =>
  registerUser({ name, email: `${kind}${n}-${Date.now()}@facts.test`, password: "long enough password", kind });

let teacher: PublicUser;
let ada: PublicUser;
let ben: PublicUser;
let course: Awaited<ReturnType<typeof createCourse>> & { enrollCode: string };

beforeAll(async () => {
  teacher = await person("teacher");
  ada = await person("student", "Ada Lovelace");
  ben = await person("student", "Ben Okafor");
  course = (await createCourse(teacher, { name: "Facts", code: "F1", term: null, autoApprove: true })) as typeof course;
  await enroll(ada, course.enrollCode);
  await enroll(ben, course.enrollCode);
  heard = [];
  return () => off();
});

const ctx = (user: PublicUser, deviceId: string | null = null) => ({ user, deviceId, ip: "10.0.0.1", userAgent: "test" });

describe("facts the domain publishes", () => {
  it("a student enrolling: enrollment.changed, asked by the student, with who it is", async () => {
    const cara = await person("student", "Cara Silva");
    await enroll(cara, course.enrollCode);
    expect(heard).toEqual([
      {
        type: "enrollment.changed",
        courseId: course.id,
        courseName: "Facts",
        studentId: cara.id,
        student: { id: cara.id, name: "Cara Silva", email: cara.email },
        from: null,
        to: "approved",
        requested: true,
      },
    ]);
    heard = [];
    await setEnrollmentStatus(teacher, course.id, cara.id, { status: "dropped" });
    expect(heard).toEqual([
      { type: "enrollment.changed", courseId: course.id, courseName: "Facts", studentId: cara.id, from: "approved", to: "dropped", requested: false },
      // No session yet: nothing to leave, but the fact says who lost access.
      { type: "access.revoked", courseId: course.id, userId: cara.id, as: "student", sessionIds: [] },
    ]);
  });

  it("a session's life: started (to its approved students), a check-in, a mark, a new code, and the end with the final counts", async () => {
    const session = await startSession(teacher, course.id, { title: "Week 1" });
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ type: "session.started", session: { id: session.id, title: "Week 1", status: "active" } });
    expect((heard[0] as Extract<DomainEvent, { type: "session.started" }>).studentIds.sort()).toEqual([ada.id, ben.id].sort());

    heard = [];
    const { code } = codeNow(await loadSource(session.id));
    const { result, created } = await checkIn({ code }, ctx(ada, "device-ada-0123456789"));
    expect(created).toBe(true);
    expect(heard).toEqual([
      {
        type: "attendance.marked",
        courseId: course.id,
        sessionId: session.id,
        record: result.record,
        counts: { present: 1, late: 0, absent: 0, excused: 0, unmarked: 1, total: 2 },
        previous: null,
        via: "checkin",
      },
    ]);

    heard = [];
    // A repeat changes nothing and says nothing.
    expect((await checkIn({ code }, ctx(ada, "device-ada-0123456789"))).created).toBe(false);
    expect(heard).toEqual([]);

    const marked = await markAttendance(teacher, session.id, ada.id, { status: "excused", note: "doctor" });
    expect(heard).toEqual([
      {
        type: "attendance.marked",
        courseId: course.id,
        sessionId: session.id,
        record: marked.record,
        counts: { present: 0, late: 0, absent: 0, excused: 1, unmarked: 1, total: 2 },
        previous: "present",
        via: "mark",
      },
    ]);

    heard = [];
    await regenerateCode(teacher, session.id);
    expect(heard).toEqual([{ type: "session.codeChanged", sessionId: session.id, courseId: course.id }]);

    heard = [];
    const ended = await endSession(teacher, session.id);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({
      type: "session.ended",
      session: { id: session.id, status: "ended", endedAt: ended.session.endedAt },
      counts: { present: 0, late: 0, absent: 1, excused: 1, unmarked: 0, total: 2 },
    });
  });

  it("a refused check-in publishes nothing; a borrowed phone publishes the flag it committed", async () => {
    const session = await startSession(teacher, course.id, {});
    heard = [];
    await expect(checkIn({ code: "000000x" }, ctx(ben))).rejects.toMatchObject({ code: "invalid_code" });
    expect(heard).toEqual([]);

    const { code } = codeNow(await loadSource(session.id));
    await checkIn({ code }, ctx(ada, "shared-phone-0123456789"));
    heard = [];
    await expect(checkIn({ code }, ctx(ben, "shared-phone-0123456789"))).rejects.toMatchObject({ code: "device_already_used" });
    expect(heard).toEqual([
      {
        type: "attendance.flagged",
        courseId: course.id,
        flag: expect.objectContaining({ sessionId: session.id, studentId: ben.id, otherStudentId: ada.id, reason: "device_already_used" }),
      },
    ]);
    await endSession(teacher, session.id);
  });

  it("a subscriber that throws does not fail the operation that published", async () => {
    const offBroken = subscribe(() => {
      throw new Error("broken subscriber");
    });
    const offRejecting = subscribe(async () => {
      throw new Error("broken async subscriber");
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const session = await startSession(teacher, course.id, {});
      await endSession(teacher, session.id);
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      console.error = original;
      offBroken();
      offRejecting();
    }
    expect(heard.map((e) => e.type)).toEqual(["session.started", "session.ended"]);
    expect(errors).toHaveLength(4);
  });
});

async function loadSource(sessionId: string) {
  return (await loadSession(sessionId)).session;
}
