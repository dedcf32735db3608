import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "@/lib/auth/tokens";
import { studentSummary } from "@/lib/courses/student-summary";
import type { PublicUser } from "@/lib/model/vocabulary";
import { myAttendance } from "@/lib/records/student";
import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { UNAMBIGUOUS } from "@/lib/ids";
import { ApiClient, nextEvent, emitAck, registerAndLogin } from "../api";
import { setProcessValue } from "@/lib/process-store";
import { scalar } from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

// Issue 2 end to end over real HTTP and a real Socket.IO server: accounts,
// tokens, courses, enrollment, and that refused requests change nothing.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const APP_URL = process.env.APP_URL!;
const PASSWORD = "correct horse battery";

type Account = Awaited<ReturnType<typeof registerAndLogin>>;

/** Every table issue 2 writes to, by row count, plus the enrollment statuses (a refused PATCH must not change one). */
async function dbState() {
  const n = (table: string) => scalar(sql`SELECT count(*) FROM ${sql.raw(table)}`);
  const statuses = await getDb().all<{ s: string }>(sql`
    SELECT course_id || ':' || student_id || ':' || status AS s FROM enrollments ORDER BY course_id, student_id`);
  return {
    users: await n("users"),
    courses: await n("courses"),
    courseStaff: await n("course_staff"),
    enrollments: await n("enrollments"),
    sessions: await n("sessions"),
    audit: await n("audit_events"),
    statuses: statuses.map((r) => r.s).join(","),
  };
}

/** Runs a request that must be refused and checks it wrote nothing. */
async function refused(run: () => Promise<{ status: number; body: any }>, status: number, code: string) {
  const before = await dbState();
  const res = await run();
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body?.error?.code).toBe(code);
  expect(typeof res.body.error.message).toBe("string");
  expect(await dbState()).toEqual(before);
  return res;
}

function anon() {
  return new ApiClient(server.url);
}

async function createCourse(teacher: Account, body: Record<string, unknown> = {}) {
  const res = await teacher.client.post("/api/courses", { name: "Biology", code: "BIO101", term: "Fall", ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.course as { id: string; name: string; enrollCode: string; enrollUrl: string; autoApprove: boolean };
}

/** Flips one character inside the encrypted payload of a next-auth JWE (header.key.iv.ciphertext.tag). */
function tamper(token: string): string {
  const parts = token.split(".");
  expect(parts).toHaveLength(5);
  const ct = parts[3];
  const i = Math.floor(ct.length / 2);
  parts[3] = ct.slice(0, i) + (ct[i] === "A" ? "B" : "A") + ct.slice(i + 1);
  return parts.join(".");
}

function uniqueEmail(prefix: string) {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}@example.test`;
}

describe("POST /api/register", () => {
  it("creates an account (201) with the public fields only, student by default", async () => {
    const email = uniqueEmail("reg");
    const before = (await dbState()).users;
    const res = await anon().post("/api/register", { name: "  Ada Lovelace ", email, password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body.user).toEqual({ id: expect.any(String), name: "Ada Lovelace", email, kind: "student" });
    expect(JSON.stringify(res.body)).not.toMatch(/hash|scrypt/i);
    expect((await dbState()).users).toBe(before + 1);
    const stored = (await getDb().get<{ h: string }>(sql`SELECT password_hash AS h FROM users WHERE id = ${res.body.user.id}`))!.h;
    expect(stored).toMatch(/^scrypt\$/);
    expect(stored).not.toContain(PASSWORD);
  });

  it("treats e-mail as case-insensitive: a second sign-up is 409 email_taken and writes nothing", async () => {
    const local = uniqueEmail("Case");
    const first = await anon().post("/api/register", { name: "First", email: local.replace("case", "CASE"), password: PASSWORD, kind: "teacher" });
    expect(first.status).toBe(201);
    await refused(() => anon().post("/api/register", { name: "Second", email: local.toLowerCase(), password: PASSWORD }), 409, "email_taken");
    await refused(() => anon().post("/api/register", { name: "Third", email: ` ${local.toUpperCase()} `, password: PASSWORD }), 409, "email_taken");
    // And signing in works with any casing.
    const tok = await anon().post("/api/token", { email: local.toUpperCase(), password: PASSWORD });
    expect(tok.status).toBe(200);
    expect(tok.body.user.id).toBe(first.body.user.id);
  });

  it("rejects bad input with 400 invalid_input and an issue per field", async () => {
    const res = await refused(() => anon().post("/api/register", { name: "", email: "not-an-email", password: "short", kind: "admin" }), 400, "invalid_input");
    const paths = (res.body.error.issues as Array<{ path: string; message: string }>).map((i) => i.path);
    expect(new Set(paths)).toEqual(new Set(["name", "email", "password", "kind"]));
    for (const i of res.body.error.issues) expect(i.message.length).toBeGreaterThan(0);
  });

  it("answers malformed and mistyped bodies with 400, never a 5xx", async () => {
    const c = anon();
    const raw = (body: string) => () => c.request("POST", "/api/register", undefined, { raw: body, headers: { "content-type": "application/json" } });
    await refused(raw("{not json"), 400, "invalid_input");
    await refused(raw(""), 400, "invalid_input");
    await refused(raw("[1,2,3]"), 400, "invalid_input");
    await refused(raw("null"), 400, "invalid_input");
    await refused(raw(JSON.stringify({ name: 42, email: ["a@b.c"], password: { x: 1 } })), 400, "invalid_input");
    await refused(raw(JSON.stringify({ name: "Big", email: uniqueEmail("big"), password: "x".repeat(70_000) })), 400, "invalid_input");
  });
});

describe("POST /api/token and GET /api/me", () => {
  it("issues a bearer token that works on /api/me", async () => {
    const email = uniqueEmail("tok");
    await anon().post("/api/register", { name: "Tok", email, password: PASSWORD });
    const tok = await anon().post("/api/token", { email, password: PASSWORD });
    expect(tok.status).toBe(200);
    expect(tok.body).toMatchObject({ token: expect.any(String), user: { email, kind: "student" } });
    expect(Date.parse(tok.body.expiresAt)).toBeGreaterThan(Date.now() + 24 * 3600_000);
    const c = anon();
    c.token = tok.body.token;
    const me = await c.get("/api/me");
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual(tok.body.user);
  });

  it("refuses a wrong password or unknown e-mail with 401 invalid_credentials", async () => {
    const a = await registerAndLogin(server.url, "student");
    await refused(() => anon().post("/api/token", { email: a.email, password: "wrong password" }), 401, "invalid_credentials");
    await refused(() => anon().post("/api/token", { email: uniqueEmail("nobody"), password: PASSWORD }), 401, "invalid_credentials");
    await refused(() => anon().post("/api/token", { email: "nope" }), 400, "invalid_input");
  });

  it("rate limits the 11th failed sign-in for one account with 429 and Retry-After, even with the right password", async () => {
    const a = await registerAndLogin(server.url, "student");
    for (let i = 0; i < 10; i++) {
      const r = await anon().post("/api/token", { email: a.email, password: `wrong-${i}-password` });
      expect(r.status).toBe(401);
    }
    const blocked = await anon().post("/api/token", { email: a.email.toUpperCase(), password: "wrong again!" });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    const retry = Number(blocked.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    const right = await anon().post("/api/token", { email: a.email, password: a.password });
    expect(right.status).toBe(429);
    // Another account from the same address is not affected.
    const b = await registerAndLogin(server.url, "student");
    expect((await anon().post("/api/token", { email: b.email, password: b.password })).status).toBe(200);
    // The existing token keeps working: limits guard sign-in, not sessions.
    expect((await a.client.get("/api/me")).status).toBe(200);
  });

  it("a burst of parallel wrong passwords gets at most 10 judged, the rest rate_limited", async () => {
    const a = await registerAndLogin(server.url, "student");
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) => anon().post("/api/token", { email: a.email, password: `burst-${i}-wrong` })),
    );
    const codes = replies.map((r) => r.body.error.code);
    expect(codes.filter((c) => c === "invalid_credentials")).toHaveLength(10);
    expect(codes.filter((c) => c === "rate_limited")).toHaveLength(20);
  });

  it("accepts the next-auth session cookie through the same decoder", async () => {
    const a = await registerAndLogin(server.url, "teacher");
    const { token } = await issueToken(a.user as any);
    for (const name of ["next-auth.session-token", "__Secure-next-auth.session-token"]) {
      const c = anon();
      c.cookies.set(name, token);
      const me = await c.get("/api/me");
      expect(me.status).toBe(200);
      expect(me.body.user.id).toBe(a.user.id);
    }
  });

  it("refuses missing, garbage, tampered and forged tokens with 401", async () => {
    const a = await registerAndLogin(server.url, "student");
    const tampered = tamper(a.token);
    const forged = await encode({ token: { sub: a.user.id, kind: "teacher", name: "x", email: a.email }, secret: "another-secret-another-secret-0123456789" });
    const cases: Array<(c: ApiClient) => void> = [
      () => {},
      (c) => (c.token = "garbage"),
      (c) => (c.token = tampered),
      (c) => (c.token = forged),
      (c) => c.cookies.set("next-auth.session-token", tampered),
      (c) => c.cookies.set("next-auth.session-token", forged),
    ];
    for (const setup of cases) {
      const c = anon();
      setup(c);
      await refused(() => c.get("/api/me"), 401, "unauthenticated");
    }
    const c = anon();
    const res = await c.request("GET", "/api/me", undefined, { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(res.status).toBe(401);
  });
});

describe("courses", () => {
  let teacher: Account;
  let other: Account;
  let student: Account;
  let stranger: Account;
  let course: Awaited<ReturnType<typeof createCourse>>;

  beforeAll(async () => {
    [teacher, other, student, stranger] = await Promise.all([
      registerAndLogin(server.url, "teacher", "Grace Hopper"),
      registerAndLogin(server.url, "teacher", "Other Teacher"),
      registerAndLogin(server.url, "student", "Sam Student"),
      registerAndLogin(server.url, "student", "Stan Stranger"),
    ]);
    course = await createCourse(teacher);
    const enrolled = await student.client.post("/api/enroll", { code: course.enrollCode });
    expect(enrolled.status).toBe(201);
  });

  it("lets a teacher create a course: 201 with enrollCode and enrollUrl, owner row and audit event", async () => {
    const before = await dbState();
    const c = await createCourse(teacher, { name: "  Chemistry ", code: "", term: undefined });
    expect(c.name).toBe("Chemistry");
    expect(c).toMatchObject({ code: null, term: null, autoApprove: true });
    expect(c.enrollCode).toMatch(new RegExp(`^[${UNAMBIGUOUS}]{8}$`));
    expect(c.enrollUrl).toBe(`${APP_URL}/enroll/${c.enrollCode}`);
    const after = await dbState();
    expect(after.courses).toBe(before.courses + 1);
    expect(after.courseStaff).toBe(before.courseStaff + 1);
    expect(after.audit).toBe(before.audit + 1);
  });

  it("refuses course creation to students (403) and bad input (400), writing nothing", async () => {
    await refused(() => student.client.post("/api/courses", { name: "Sneaky" }), 403, "forbidden");
    await refused(() => teacher.client.post("/api/courses", { name: "   " }), 400, "invalid_input");
    await refused(() => teacher.client.post("/api/courses", { name: "x".repeat(500) }), 400, "invalid_input");
    await refused(() => teacher.client.post("/api/courses", { name: "Ok", autoApprove: "yes" }), 400, "invalid_input");
    await refused(() => teacher.client.request("POST", "/api/courses", undefined, { raw: "{", headers: { "content-type": "application/json" } }), 400, "invalid_input");
  });

  it("lists each caller's courses with their role and no one else's", async () => {
    const mine = await teacher.client.get("/api/courses");
    expect(mine.status).toBe(200);
    const row = mine.body.courses.find((c: any) => c.id === course.id);
    expect(row).toMatchObject({ id: course.id, name: "Biology", code: "BIO101", role: "owner", activeSessionId: null, enrollCode: course.enrollCode });

    const s = await student.client.get("/api/courses");
    expect(s.body.courses).toEqual([expect.objectContaining({ id: course.id, role: "student", activeSessionId: null })]);
    expect(s.body.courses[0].enrollCode).toBeUndefined();

    expect((await stranger.client.get("/api/courses")).body.courses).toEqual([]);
    expect((await other.client.get("/api/courses")).body.courses.some((c: any) => c.id === course.id)).toBe(false);
  });

  it("shows the roster to staff only; an approved student sees the course without it", async () => {
    const staff = await teacher.client.get(`/api/courses/${course.id}`);
    expect(staff.status).toBe(200);
    expect(staff.body.role).toBe("owner");
    expect(staff.body.students).toEqual([{ id: student.user.id, name: "Sam Student", email: student.email, status: "approved" }]);

    const own = await student.client.get(`/api/courses/${course.id}`);
    expect(own.status).toBe(200);
    expect(own.body.role).toBe("student");
    expect(own.body.students).toBeUndefined();
    expect(own.body.course.enrollCode).toBeUndefined();

    await refused(() => stranger.client.get(`/api/courses/${course.id}`), 403, "forbidden");
    await refused(() => other.client.get(`/api/courses/${course.id}`), 403, "forbidden");
    await refused(() => teacher.client.get(`/api/courses/does-not-exist`), 404, "not_found");
  });

  it("enrolls by code: 400 malformed, 404 unknown, 201 then 200, forgiving case and dashes", async () => {
    const s = await registerAndLogin(server.url, "student");
    await refused(() => s.client.post("/api/enroll", { code: "abc" }), 400, "invalid_input");
    await refused(() => s.client.post("/api/enroll", {}), 400, "invalid_input");
    await refused(() => s.client.post("/api/enroll", { code: 12345678 }), 400, "invalid_input");
    // 0 is not in the enroll-code alphabet, so this code can never exist.
    await refused(() => s.client.post("/api/enroll", { code: "00000000" }), 404, "not_found");

    const messy = `${course.enrollCode.slice(0, 4).toLowerCase()}-${course.enrollCode.slice(4)}`;
    const first = await s.client.post("/api/enroll", { code: messy });
    expect(first.status).toBe(201);
    expect(first.body.enrollment).toEqual({ courseId: course.id, status: "approved" });
    const before = await dbState();
    const repeat = await s.client.post("/api/enroll", { code: course.enrollCode });
    expect(repeat.status).toBe(200);
    expect(repeat.body.enrollment).toEqual({ courseId: course.id, status: "approved" });
    expect(await dbState()).toEqual(before);
  });

  it("keeps a course with autoApprove off pending until staff decide; only staff may decide", async () => {
    const gated = await createCourse(teacher, { name: "Seminar", autoApprove: false });
    expect(gated.autoApprove).toBe(false);
    const s = await registerAndLogin(server.url, "student");
    const req = await s.client.post("/api/enroll", { code: gated.enrollCode });
    expect(req.status).toBe(201);
    expect(req.body.enrollment.status).toBe("pending");
    // Pending is not membership.
    await refused(() => s.client.get(`/api/courses/${gated.id}`), 403, "forbidden");
    const listed = await s.client.get("/api/courses");
    expect(listed.body.courses).toEqual([expect.objectContaining({ id: gated.id, role: null, enrollmentStatus: "pending" })]);

    const path = `/api/courses/${gated.id}/enrollments/${s.user.id}`;
    await refused(() => s.client.patch(path, { status: "approved" }), 403, "forbidden");
    await refused(() => student.client.patch(path, { status: "approved" }), 403, "forbidden");
    await refused(() => other.client.patch(path, { status: "approved" }), 403, "forbidden");
    await refused(() => teacher.client.patch(path, { status: "expelled" }), 400, "invalid_input");
    await refused(() => teacher.client.patch(`/api/courses/nope/enrollments/${s.user.id}`, { status: "approved" }), 404, "not_found");
    await refused(() => teacher.client.patch(`/api/courses/${gated.id}/enrollments/nobody`, { status: "approved" }), 404, "not_found");

    const before = (await dbState()).audit;
    const ok = await teacher.client.patch(path, { status: "approved" });
    expect(ok.status).toBe(200);
    expect(ok.body.enrollment).toMatchObject({ courseId: gated.id, studentId: s.user.id, status: "approved" });
    expect((await dbState()).audit).toBe(before + 1);
    expect((await s.client.get(`/api/courses/${gated.id}`)).status).toBe(200);

    // Rejected stays rejected when the student uses the code again.
    expect((await teacher.client.patch(path, { status: "rejected" })).status).toBe(200);
    const retry = await s.client.post("/api/enroll", { code: gated.enrollCode });
    expect(retry.status).toBe(200);
    expect(retry.body.enrollment.status).toBe("rejected");
  });

  it("does not let staff enroll in their own course", async () => {
    await refused(() => teacher.client.post("/api/enroll", { code: course.enrollCode }), 403, "forbidden");
  });

  it("answers 401 on every signed-in endpoint without credentials, writing nothing", async () => {
    const c = anon();
    const calls: Array<[string, string, unknown?]> = [
      ["GET", "/api/me"],
      ["GET", "/api/courses"],
      ["POST", "/api/courses", { name: "x" }],
      ["GET", `/api/courses/${course.id}`],
      ["GET", "/api/courses/unknown"],
      ["POST", "/api/enroll", { code: course.enrollCode }],
      ["PATCH", `/api/courses/${course.id}/enrollments/${student.user.id}`, { status: "dropped" }],
    ];
    for (const [method, path, body] of calls) {
      await refused(() => c.request(method, path, body ?? (method === "GET" ? undefined : {})), 401, "unauthenticated");
    }
  });

  it("answers a malformed PATCH body with 400, writing nothing", async () => {
    await refused(
      () => teacher.client.request("PATCH", `/api/courses/${course.id}/enrollments/${student.user.id}`, undefined, { raw: "{oops", headers: { "content-type": "application/json" } }),
      400,
      "invalid_input",
    );
  });
});

describe("Socket.IO handshake", () => {
  it("connects with a bearer token and joins the user's room", async () => {
    const teacher = await registerAndLogin(server.url, "teacher");
    const student = await registerAndLogin(server.url, "student");
    const course = await createCourse(teacher, { autoApprove: false });
    const ts = await server.socket({ token: teacher.token });
    const ss = await server.socket({ token: student.token });
    expect(ts.connected && ss.connected).toBe(true);

    // Staff who watch the course hear the request; the student hears the decision in user:<id>.
    expect(await emitAck(ts, "course:watch", { courseId: course.id })).toEqual({ ok: true, courseId: course.id });
    expect(await emitAck(ss, "course:watch", { courseId: course.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await emitAck(ts, "course:watch", { courseId: "nope" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    const requested = nextEvent(ts, "enrollment:requested");
    await student.client.post("/api/enroll", { code: course.enrollCode });
    expect(await requested).toMatchObject({ courseId: course.id, studentId: student.user.id, status: "pending", student: { name: student.user.name } });
    const updated = nextEvent(ss, "enrollment:updated");
    await teacher.client.patch(`/api/courses/${course.id}/enrollments/${student.user.id}`, { status: "approved" });
    expect(await updated).toMatchObject({ courseId: course.id, studentId: student.user.id, status: "approved" });
  });

  it("connects with the next-auth cookie and from the app's own Origin", async () => {
    const a = await registerAndLogin(server.url, "student");
    const { token } = await issueToken(a.user as any);
    const s = await server.socket({ cookie: `other=1; next-auth.session-token=${token}`, origin: APP_URL });
    expect(s.connected).toBe(true);
  });

  it("refuses no token, a forged or tampered token, and a foreign Origin with connect_error unauthorized", async () => {
    const a = await registerAndLogin(server.url, "student");
    const forged = await encode({ token: { sub: a.user.id, kind: "student" }, secret: "another-secret-another-secret-0123456789" });
    const tampered = tamper(a.token);
    const attempts = [
      {},
      { token: "garbage" },
      { token: forged },
      { token: tampered },
      { cookie: `next-auth.session-token=${forged}` },
      { token: a.token, origin: "https://evil.example" },
      { token: a.token, origin: "null" },
    ];
    for (const auth of attempts) {
      await expect(server.socket(auth), JSON.stringify(auth).slice(0, 60)).rejects.toThrow("unauthorized");
    }
  });
});

describe("student dashboard summary", () => {
  it("finds the open session, and the dashboard's rate is the records rule over ended sessions", async () => {
    const teacher = await registerAndLogin(server.url, "teacher");
    const student = await registerAndLogin(server.url, "student");
    const outsider = await registerAndLogin(server.url, "student");
    const course = await createCourse(teacher);
    await student.client.post("/api/enroll", { code: course.enrollCode });
    expect((await studentSummary(student.user.id)).get(course.id)).toBeUndefined();

    // Session 1: the student checks in with the code. Session 2: absent at the end.
    for (const attend of [true, false]) {
      const started = await teacher.client.post(`/api/courses/${course.id}/sessions`, {});
      expect(started.status).toBe(201);
      const sessionId = started.body.session.id;
      const open = (await studentSummary(student.user.id)).get(course.id)!.openSession;
      expect(open).toMatchObject({ id: sessionId, myStatus: null });
      if (attend) {
        const { code } = (await teacher.client.get(`/api/sessions/${sessionId}/code`)).body;
        expect((await student.client.post("/api/checkin", { code })).status).toBe(201);
        expect((await studentSummary(student.user.id)).get(course.id)!.openSession!.myStatus).toBe("present");
      }
      expect((await teacher.client.post(`/api/sessions/${sessionId}/end`)).status).toBe(200);
    }
    expect((await studentSummary(student.user.id)).get(course.id)).toBeUndefined();
    const [mine] = await myAttendance(student.user as PublicUser);
    expect(mine).toMatchObject({ courseId: course.id, counts: { present: 1, absent: 1 }, rate: 0.5, atRisk: false });
    expect((await studentSummary(outsider.user.id)).size).toBe(0);
  });
});

describe("restart", () => {
  it("keeps users signed in and loses nothing", async () => {
    const teacher = await registerAndLogin(server.url, "teacher");
    const course = await createCourse(teacher, { name: "Survives restarts" });
    const before = await dbState();

    await server.close();
    // A restart is a new process: nothing decoded or cached in memory survives it.
    setProcessValue("auth.decodedTokens", undefined);
    server = await startTestServer();

    const c = new ApiClient(server.url);
    c.token = teacher.token;
    const me = await c.get("/api/me");
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(teacher.user.id);
    const detail = await c.get(`/api/courses/${course.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.course).toMatchObject({ name: "Survives restarts", enrollCode: course.enrollCode });
    expect(await dbState()).toEqual(before);
    const s = await server.socket({ token: teacher.token });
    expect(s.connected).toBe(true);
    // The password still signs in after the restart.
    expect((await anon().post("/api/token", { email: teacher.email, password: teacher.password })).status).toBe(200);
  });
});
