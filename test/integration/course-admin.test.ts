import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { ApiClient, registerAndLogin } from "../api";
import { startTestServer, type TestServer } from "../server";

// SPEC §9 course administration over real HTTP and SQLite: every endpoint for
// every kind of caller (refusals write nothing), invitations end to end, the
// last-owner rule, archive and restore, settings, enroll codes, roster import.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

type Account = Awaited<ReturnType<typeof registerAndLogin>>;
type Res = { status: number; body: any };
const WHO = ["anonymous", "outsider", "student", "ta", "owner"] as const;
type Who = (typeof WHO)[number];

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 10)}@example.test`;
const PASSWORD = "correct horse battery";

/** Every table course administration writes, whole rows, so a refused call that wrote anything shows up. */
async function dbState() {
  const db = getDb();
  const all = (q: string) => db.all(sql.raw(q));
  return {
    users: await all("SELECT id, kind FROM users ORDER BY id"),
    courses: await all("SELECT * FROM courses ORDER BY id"),
    staff: await all("SELECT * FROM course_staff ORDER BY id"),
    enrollments: await all("SELECT * FROM enrollments ORDER BY course_id, student_id"),
    invitations: await all("SELECT * FROM course_invitations ORDER BY id"),
    sessions: await all("SELECT id, status FROM sessions ORDER BY id"),
    records: await all("SELECT session_id, student_id, status FROM attendance_records ORDER BY session_id, student_id"),
    audit: (await all("SELECT count(*) AS n FROM audit_events"))[0],
  };
}

async function refused(run: () => Promise<Res>, status: number, code: string) {
  const before = await dbState();
  const res = await run();
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body?.error?.code).toBe(code);
  expect(typeof res.body.error.message).toBe("string");
  expect(await dbState()).toEqual(before);
  return res;
}

type Cast = { owner: Account; ta: Account; student: Account; outsider: Account; anon: ApiClient; course: { id: string; name: string; enrollCode: string } };

async function createCourse(owner: Account, body: Record<string, unknown> = {}) {
  const res = await owner.client.post("/api/courses", { name: "Course administration", code: "ADM101", ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.course as Cast["course"];
}

/** An owner, a TA added by the owner, an approved student, a teacher from elsewhere and nobody. */
async function cast(): Promise<Cast> {
  const [owner, ta, student, outsider] = await Promise.all([
    registerAndLogin(server.url, "teacher", "Olivia Owner"),
    registerAndLogin(server.url, "teacher", "Theo Assistant"),
    registerAndLogin(server.url, "student", "Sam Student"),
    registerAndLogin(server.url, "teacher", "Otto Outsider"),
  ]);
  const course = await createCourse(owner);
  expect((await owner.client.post(`/api/courses/${course.id}/staff`, { email: ta.email, role: "ta" })).status).toBe(201);
  expect((await student.client.post("/api/enroll", { code: course.enrollCode })).status).toBe(201);
  return { owner, ta, student, outsider, anon: new ApiClient(server.url), course };
}

const clientOf = (c: Cast, who: Who) => (who === "anonymous" ? c.anon : c[who].client);

type Endpoint = {
  name: string;
  allowed: Who[];
  okStatus: number;
  /** Runs before the snapshot (as the owner), e.g. to make the invitation a DELETE removes. */
  prepare?: (c: Cast) => Promise<Record<string, string>>;
  call: (client: ApiClient, c: Cast, args: Record<string, string>) => Promise<Res>;
  /** What the allowed call must have done. */
  check?: (res: Res, c: Cast, args: Record<string, string>) => Promise<void> | void;
};

const base = (c: Cast) => `/api/courses/${c.course.id}`;
const invite = async (c: Cast, role: "ta" | "owner" = "ta") => {
  const res = await c.owner.client.post(`${base(c)}/staff`, { email: unique("invitee"), role });
  expect(res.status).toBe(201);
  return { memberId: res.body.member.id as string };
};
const rosterInvite = async (c: Cast) => {
  const email = unique("listed");
  const res = await c.owner.client.text(`${base(c)}/roster`, `email,name\n${email},Listed Student\n`);
  expect(res.body.invited).toBe(1);
  const list = await c.owner.client.get(`${base(c)}/invitations`);
  return { invitationId: list.body.invitations.find((i: any) => i.email === email).id as string };
};

const ENDPOINTS: Endpoint[] = [
  {
    name: "PATCH /api/courses/:courseId",
    allowed: ["owner"],
    okStatus: 200,
    call: (cl, c) => cl.patch(base(c), { name: "Renamed course", lateCredit: 0.5 }),
    check: (res) => expect(res.body.course).toMatchObject({ name: "Renamed course", lateCredit: 0.5 }),
  },
  {
    name: "POST /api/courses/:courseId/enroll-code",
    allowed: ["owner"],
    okStatus: 200,
    call: (cl, c) => cl.post(`${base(c)}/enroll-code`),
    check: (res, c) => {
      expect(res.body.enrollCode).toMatch(/^[A-Z2-9]{8}$/);
      expect(res.body.enrollCode).not.toBe(c.course.enrollCode);
      expect(res.body.enrollUrl).toBe(`${process.env.APP_URL}/enroll/${res.body.enrollCode}`);
    },
  },
  {
    name: "DELETE /api/courses/:courseId",
    allowed: ["owner"],
    okStatus: 200,
    call: (cl, c) => cl.del(base(c)),
    check: (res) => expect(Date.parse(res.body.course.archivedAt)).toBeGreaterThan(0),
  },
  {
    name: "POST /api/courses/:courseId/restore",
    allowed: ["owner"],
    okStatus: 200,
    prepare: async (c) => {
      expect((await c.owner.client.del(base(c))).status).toBe(200);
      return {};
    },
    call: (cl, c) => cl.post(`${base(c)}/restore`),
    check: (res) => expect(res.body.course.archivedAt).toBeNull(),
  },
  {
    name: "GET /api/courses/:courseId/staff",
    allowed: ["ta", "owner"],
    okStatus: 200,
    call: (cl, c) => cl.get(`${base(c)}/staff`),
    check: (res, c) =>
      expect(res.body.staff).toEqual([
        { id: expect.any(String), userId: c.owner.user.id, name: "Olivia Owner", email: c.owner.email, role: "owner", status: "active" },
        { id: expect.any(String), userId: c.ta.user.id, name: "Theo Assistant", email: c.ta.email, role: "ta", status: "active" },
      ]),
  },
  {
    name: "POST /api/courses/:courseId/staff",
    allowed: ["owner"],
    okStatus: 201,
    prepare: async () => ({ email: unique("new-ta") }),
    call: (cl, c, a) => cl.post(`${base(c)}/staff`, { email: a.email, role: "ta" }),
    check: (res, _c, a) => expect(res.body.member).toEqual({ id: expect.any(String), userId: null, name: null, email: a.email, role: "ta", status: "invited" }),
  },
  {
    name: "PATCH /api/courses/:courseId/staff/:memberId",
    allowed: ["owner"],
    okStatus: 200,
    prepare: (c) => invite(c),
    call: (cl, c, a) => cl.patch(`${base(c)}/staff/${a.memberId}`, { role: "owner" }),
    check: (res) => expect(res.body.member).toMatchObject({ role: "owner", status: "invited" }),
  },
  {
    name: "DELETE /api/courses/:courseId/staff/:memberId",
    allowed: ["owner"],
    okStatus: 200,
    prepare: (c) => invite(c),
    call: (cl, c, a) => cl.del(`${base(c)}/staff/${a.memberId}`),
    check: (res) => expect(res.body).toEqual({ ok: true }),
  },
  {
    name: "POST /api/courses/:courseId/roster",
    allowed: ["ta", "owner"],
    okStatus: 200,
    prepare: async () => ({ email: unique("imported") }),
    call: (cl, c, a) => cl.text(`${base(c)}/roster`, `email,name,student number\n${a.email},New Student,S-1\n`),
    check: (res) => expect(res.body).toEqual({ added: 0, alreadyEnrolled: 0, invited: 1, invalid: [] }),
  },
  {
    name: "GET /api/courses/:courseId/invitations",
    allowed: ["ta", "owner"],
    okStatus: 200,
    prepare: (c) => rosterInvite(c),
    call: (cl, c) => cl.get(`${base(c)}/invitations`),
    check: (res, _c, a) =>
      expect(res.body.invitations).toEqual([
        { id: a.invitationId, email: expect.stringMatching(/^listed-/), name: "Listed Student", studentNumber: null, createdAt: expect.any(String) },
      ]),
  },
  {
    name: "DELETE /api/courses/:courseId/invitations/:invitationId",
    allowed: ["ta", "owner"],
    okStatus: 200,
    prepare: (c) => rosterInvite(c),
    call: (cl, c, a) => cl.del(`${base(c)}/invitations/${a.invitationId}`),
    check: async (res, c) => {
      expect(res.body).toEqual({ ok: true });
      expect((await c.owner.client.get(`${base(c)}/invitations`)).body.invitations).toEqual([]);
    },
  },
];

describe("every §9 endpoint × anonymous, outsider, student, TA, owner", () => {
  for (const ep of ENDPOINTS) {
    it(`${ep.name}: ${ep.allowed.join(" and ")} only; everyone else is refused and nothing is written`, async () => {
      for (const who of WHO) {
        // A fresh course for each caller: an allowed call changes things the next caller would trip over.
        const c = await cast();
        const args = ep.prepare ? await ep.prepare(c) : {};
        const run = () => ep.call(clientOf(c, who), c, args);
        if (who === "anonymous") await refused(run, 401, "unauthenticated");
        else if (!ep.allowed.includes(who)) await refused(run, 403, "forbidden");
        else {
          const res = await run();
          expect(res.status, `${who}: ${JSON.stringify(res.body)}`).toBe(ep.okStatus);
          await ep.check?.(res, c, args);
        }
      }
    });
  }

  it("answers 404 not_found for a course that does not exist, writing nothing", async () => {
    const c = await cast();
    const missing = "/api/courses/NoSuchCourse";
    await refused(() => c.owner.client.patch(missing, { name: "X" }), 404, "not_found");
    await refused(() => c.owner.client.post(`${missing}/enroll-code`), 404, "not_found");
    await refused(() => c.owner.client.del(missing), 404, "not_found");
    await refused(() => c.owner.client.post(`${missing}/restore`), 404, "not_found");
    await refused(() => c.owner.client.get(`${missing}/staff`), 404, "not_found");
    await refused(() => c.owner.client.post(`${missing}/staff`, { email: unique("x"), role: "ta" }), 404, "not_found");
    await refused(() => c.owner.client.text(`${missing}/roster`, "email\na@b.example\n"), 404, "not_found");
    await refused(() => c.owner.client.get(`${missing}/invitations`), 404, "not_found");
  });

  it("answers 404 for a member or invitation of another course, writing nothing", async () => {
    const a = await cast();
    const b = await cast();
    const { memberId } = await invite(b);
    const { invitationId } = await rosterInvite(b);
    await refused(() => a.owner.client.patch(`${base(a)}/staff/${memberId}`, { role: "owner" }), 404, "not_found");
    await refused(() => a.owner.client.del(`${base(a)}/staff/${memberId}`), 404, "not_found");
    await refused(() => a.owner.client.del(`${base(a)}/invitations/${invitationId}`), 404, "not_found");
  });

  it("refuses invalid bodies with 400 invalid_input and writes nothing", async () => {
    const c = await cast();
    const { memberId } = await invite(c);
    await refused(() => c.owner.client.post(`${base(c)}/staff`, { email: "not-an-email", role: "ta" }), 400, "invalid_input");
    await refused(() => c.owner.client.post(`${base(c)}/staff`, { email: unique("x"), role: "student" }), 400, "invalid_input");
    await refused(() => c.owner.client.patch(`${base(c)}/staff/${memberId}`, { role: "boss" }), 400, "invalid_input");
    await refused(() => c.owner.client.patch(base(c), {}), 400, "invalid_input");
    await refused(() => c.owner.client.text(`${base(c)}/roster`, "name\nNo e-mail column\n"), 400, "invalid_input");
    await refused(() => c.owner.client.text(`${base(c)}/roster`, "{ not json", "application/json"), 400, "invalid_input");
    await refused(() => c.owner.client.text(`${base(c)}/roster`, "email=a@b.example", "application/x-www-form-urlencoded"), 415, "unsupported_media_type");
    await refused(() => c.owner.client.text(`${base(c)}/roster?dryRun=maybe`, "email\na@b.example\n"), 400, "invalid_input");
    // A student of the course cannot be made staff while enrolled.
    await refused(() => c.owner.client.post(`${base(c)}/staff`, { email: c.student.email, role: "ta" }), 400, "invalid_input");
  });
});

describe("settings (PATCH /api/courses/:courseId)", () => {
  it("changes every field; new sessions take the new defaults while a running session keeps its own", async () => {
    const c = await cast();
    const running = await c.owner.client.post(`${base(c)}/sessions`, {});
    expect(running.status).toBe(201);
    const patch = {
      name: "Advanced Course",
      code: "ADV201",
      term: "Spring",
      autoApprove: false,
      timeZone: "Europe/Berlin",
      lateCredit: 0.5,
      warnBelowPercent: 75,
      lateAfterMinutes: 5,
      closeAfterMinutes: 20,
      rotationSeconds: 15,
      codeRotationSeconds: 0,
    };
    const res = await c.owner.client.patch(base(c), patch);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.course).toMatchObject(patch);
    expect((await c.owner.client.get(base(c))).body.course).toMatchObject(patch);
    const audit = await getDb().all<{ from_value: string; to_value: string }>(sql`
      SELECT from_value, to_value FROM audit_events WHERE course_id = ${c.course.id} AND action = 'settings'`);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].to_value)).toMatchObject({ name: "Advanced Course", lateCredit: 0.5 });

    const session = (await c.owner.client.get(`/api/sessions/${running.body.session.id}`)).body.session;
    expect(session).toMatchObject({ lateAfterMinutes: 10, closeAfterMinutes: null, rotationSeconds: 10, codeRotationSeconds: 30 });
    expect((await c.owner.client.post(`/api/sessions/${session.id}/end`)).status).toBe(200);
    const next = await c.ta.client.post(`${base(c)}/sessions`, {});
    expect(next.body.session).toMatchObject({ lateAfterMinutes: 5, closeAfterMinutes: 20, rotationSeconds: 15, codeRotationSeconds: 0 });

    // Clearing the short code and the term.
    expect((await c.owner.client.patch(base(c), { code: "", term: null })).body.course).toMatchObject({ code: null, term: null });
  });

  it("refuses values outside their ranges with invalid_input and a message per field, writing nothing", async () => {
    const c = await cast();
    for (const body of [
      { timeZone: "Mars/Olympus_Mons" },
      { timeZone: "+02:00" },
      { lateCredit: 1.5 },
      { lateCredit: -0.1 },
      { warnBelowPercent: 101 },
      { rotationSeconds: 4 },
      { rotationSeconds: 301 },
      { codeRotationSeconds: 3601 },
      { lateAfterMinutes: 1.5 },
      { closeAfterMinutes: 0 },
      { name: "" },
      { autoApprove: "yes" },
    ]) {
      const res = await refused(() => c.owner.client.patch(base(c), body), 400, "invalid_input");
      expect(res.body.error.issues[0].path, JSON.stringify(body)).toBe(Object.keys(body)[0]);
    }
  });
});

describe("enroll code (POST …/enroll-code)", () => {
  it("makes a new code; the old one is not_found from then on", async () => {
    const c = await cast();
    const res = await c.owner.client.post(`${base(c)}/enroll-code`);
    const late = await registerAndLogin(server.url, "student");
    await refused(() => late.client.post("/api/enroll", { code: c.course.enrollCode }), 404, "not_found");
    expect((await late.client.post("/api/enroll", { code: res.body.enrollCode })).status).toBe(201);
    expect((await c.owner.client.get(base(c))).body.course.enrollCode).toBe(res.body.enrollCode);
  });
});

describe("staff and invitations", () => {
  it("an existing account becomes staff at once; an unknown e-mail is invited and becomes an active TA when it registers, who can run a session", async () => {
    const c = await cast();
    const email = unique("Future.TA").replace("future.ta", "Future.TA");
    const added = await c.owner.client.post(`${base(c)}/staff`, { email, role: "ta" });
    expect(added.status).toBe(201);
    expect(added.body.member).toMatchObject({ userId: null, email, role: "ta", status: "invited" });

    // Adding the same e-mail again (any case) is the same invitation.
    const again = await c.owner.client.post(`${base(c)}/staff`, { email: email.toUpperCase(), role: "ta" });
    expect(again.status).toBe(200);
    expect(again.body.member.id).toBe(added.body.member.id);

    // Registering with that address — even choosing "student" — claims it: a teacher account, an active TA.
    const client = new ApiClient(server.url);
    const reg = await client.post("/api/register", { name: "Tara Assistant", email: email.toLowerCase(), password: PASSWORD, kind: "student" });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    expect(reg.body.user.kind).toBe("teacher");
    const staff = (await c.owner.client.get(`${base(c)}/staff`)).body.staff;
    expect(staff.find((m: any) => m.id === added.body.member.id)).toEqual({
      id: added.body.member.id,
      userId: reg.body.user.id,
      name: "Tara Assistant",
      email: email.toLowerCase(),
      role: "ta",
      status: "active",
    });

    const tok = await client.post("/api/token", { email, password: PASSWORD });
    client.token = tok.body.token;
    const courses = (await client.get("/api/courses")).body.courses;
    expect(courses).toMatchObject([{ id: c.course.id, role: "ta" }]);
    const started = await client.post(`${base(c)}/sessions`, { title: "Run by the TA" });
    expect(started.status).toBe(201);
    expect((await client.post(`/api/sessions/${started.body.session.id}/end`)).status).toBe(200);
    // …but a TA changes neither settings nor staff.
    await refused(() => client.patch(base(c), { name: "Mine now" }), 403, "forbidden");
  });

  it("changes roles and removes members; the removed person loses access at once", async () => {
    const c = await cast();
    const staff = (await c.owner.client.get(`${base(c)}/staff`)).body.staff;
    const taMember = staff.find((m: any) => m.userId === c.ta.user.id);
    const promoted = await c.owner.client.patch(`${base(c)}/staff/${taMember.id}`, { role: "owner" });
    expect(promoted.body.member).toMatchObject({ role: "owner", status: "active" });
    expect((await c.ta.client.patch(base(c), { term: "Promoted" })).status).toBe(200);
    expect((await c.owner.client.patch(`${base(c)}/staff/${taMember.id}`, { role: "ta" })).body.member.role).toBe("ta");
    expect((await c.owner.client.del(`${base(c)}/staff/${taMember.id}`)).status).toBe(200);
    await refused(() => c.ta.client.get(`${base(c)}/staff`), 403, "forbidden");
    expect((await c.ta.client.get("/api/courses")).body.courses).toEqual([]);
    const audit = await getDb().all<{ action: string }>(sql`SELECT action FROM audit_events WHERE course_id = ${c.course.id} AND entity = 'course' ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(["create", "staff_add", "staff_role", "settings", "staff_role", "staff_remove"]);
  });

  it("last owner: neither removed nor demoted (also not by themself); an invited owner does not count", async () => {
    const c = await cast();
    const me = (await c.owner.client.get(`${base(c)}/staff`)).body.staff.find((m: any) => m.userId === c.owner.user.id);
    const self = await refused(() => c.owner.client.del(`${base(c)}/staff/${me.id}`), 409, "last_owner");
    expect(self.body.error.message).toMatch(/only owner/);
    await refused(() => c.owner.client.patch(`${base(c)}/staff/${me.id}`, { role: "ta" }), 409, "last_owner");
    // Adding oneself as a TA is a demotion too.
    await refused(() => c.owner.client.post(`${base(c)}/staff`, { email: c.owner.email, role: "ta" }), 409, "last_owner");

    await c.owner.client.post(`${base(c)}/staff`, { email: unique("invited-owner"), role: "owner" });
    await refused(() => c.owner.client.del(`${base(c)}/staff/${me.id}`), 409, "last_owner");

    // With a second active owner, the first may step down, then leave; the second is then the last.
    const second = (await c.owner.client.get(`${base(c)}/staff`)).body.staff.find((m: any) => m.userId === c.ta.user.id);
    expect((await c.owner.client.patch(`${base(c)}/staff/${second.id}`, { role: "owner" })).status).toBe(200);
    expect((await c.owner.client.patch(`${base(c)}/staff/${me.id}`, { role: "ta" })).status).toBe(200);
    await refused(() => c.owner.client.del(`${base(c)}/staff/${second.id}`), 403, "forbidden");
    expect((await c.ta.client.del(`${base(c)}/staff/${me.id}`)).status).toBe(200);
    await refused(() => c.ta.client.del(`${base(c)}/staff/${second.id}`), 409, "last_owner");
  });

  it("two owners removing each other at the same moment leave one owner", async () => {
    const c = await cast();
    const staff = (await c.owner.client.get(`${base(c)}/staff`)).body.staff;
    const a = staff.find((m: any) => m.userId === c.owner.user.id);
    const b = staff.find((m: any) => m.userId === c.ta.user.id);
    await c.owner.client.patch(`${base(c)}/staff/${b.id}`, { role: "owner" });
    const [r1, r2] = await Promise.all([c.owner.client.del(`${base(c)}/staff/${b.id}`), c.ta.client.del(`${base(c)}/staff/${a.id}`)]);
    // Whoever commits first wins; the other is no longer staff (403) or would be removing the last owner (409).
    const statuses = [r1.status, r2.status].sort((x, y) => x - y);
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const owners = await getDb().all(sql`SELECT id FROM course_staff WHERE course_id = ${c.course.id} AND role = 'owner' AND user_id IS NOT NULL`);
    expect(owners).toHaveLength(1);
  });
});

describe("roster import (POST …/roster)", () => {
  it("enrolls existing accounts approved (also after a rejection or drop), invites unknown e-mails, stores student numbers, reports bad lines", async () => {
    const c = await cast();
    const [rejected, dropped, pending, fresh] = await Promise.all([0, 1, 2, 3].map(() => registerAndLogin(server.url, "student")));
    await c.owner.client.patch(base(c), { autoApprove: false });
    for (const s of [rejected, dropped, pending]) expect((await s.client.post("/api/enroll", { code: c.course.enrollCode })).status).toBe(201);
    await c.owner.client.patch(`${base(c)}/enrollments/${rejected.user.id}`, { status: "rejected" });
    await c.owner.client.patch(`${base(c)}/enrollments/${dropped.user.id}`, { status: "dropped" });
    const newcomer = unique("newcomer");
    const csv = [
      "\uFEFFStudent number;Name;Email",
      `R-1;Rejected Before;${rejected.email}`,
      `D-1;Dropped Before;${dropped.email.toUpperCase()}`,
      `P-1;Was Pending;${pending.email}`,
      `F-1;"Fresh, Account";${fresh.email}`,
      `S-1;Already In;${c.student.email}`,
      `N-1;"Newcomer, Nia";${newcomer}`,
      `X-1;Broken;not-an-email`,
      `T-1;The TA;${c.ta.email}`,
      "",
      `N-1;"Newcomer, Nia";${newcomer}`,
    ].join("\r\n");

    const before = await dbState();
    const dry = await c.ta.client.text(`${base(c)}/roster?dryRun=true`, csv);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(await dbState()).toEqual(before);
    expect(dry.body).toEqual({
      added: 4,
      alreadyEnrolled: 1,
      invited: 1,
      invalid: [
        { line: 8, email: "not-an-email", reason: expect.stringMatching(/valid e-mail/) },
        { line: 9, email: c.ta.email, reason: expect.stringMatching(/staff/) },
        { line: 11, email: newcomer, reason: expect.stringMatching(/Repeats line 7/) },
      ],
    });

    const real = await c.ta.client.text(`${base(c)}/roster`, csv);
    expect(real.body).toEqual(dry.body);
    const roster = (await c.owner.client.get(base(c))).body.students;
    const statusOf = (id: string) => roster.find((s: any) => s.id === id)?.status;
    for (const s of [rejected, dropped, pending, fresh]) expect(statusOf(s.user.id)).toBe("approved");
    const numbers = await getDb().all<{ id: string; n: string }>(sql`
      SELECT student_id AS id, student_number AS n FROM enrollments WHERE course_id = ${c.course.id} ORDER BY student_number`);
    expect(Object.fromEntries(numbers.map((r) => [r.id, r.n]))).toEqual({
      [rejected.user.id]: "R-1",
      [dropped.user.id]: "D-1",
      [pending.user.id]: "P-1",
      [fresh.user.id]: "F-1",
      [c.student.user.id]: "S-1",
    });
    const invitations = (await c.owner.client.get(`${base(c)}/invitations`)).body.invitations;
    expect(invitations).toEqual([{ id: expect.any(String), email: newcomer, name: "Newcomer, Nia", studentNumber: "N-1", createdAt: expect.any(String) }]);

    // Importing the same list again adds nobody.
    const again = await c.owner.client.text(`${base(c)}/roster`, csv);
    expect(again.body).toMatchObject({ added: 0, alreadyEnrolled: 5, invited: 1 });
  });

  it("import → register: the invited student is enrolled approved with their number, and can check in", async () => {
    const c = await cast();
    const email = unique("registers-later");
    expect((await c.owner.client.post(`${base(c)}/roster`, { students: [{ email, name: "Later Student", studentNumber: "L-7" }] })).body).toEqual({
      added: 0,
      alreadyEnrolled: 0,
      invited: 1,
      invalid: [],
    });
    const client = new ApiClient(server.url);
    const reg = await client.post("/api/register", { name: "Lia Later", email, password: PASSWORD, kind: "student" });
    expect(reg.status).toBe(201);
    expect(reg.body.user.kind).toBe("student");
    const row = await getDb().get<{ status: string; n: string }>(sql`
      SELECT status, student_number AS n FROM enrollments WHERE course_id = ${c.course.id} AND student_id = ${reg.body.user.id}`);
    expect(row).toEqual({ status: "approved", n: "L-7" });
    expect((await c.owner.client.get(`${base(c)}/invitations`)).body.invitations).toEqual([]);

    client.token = (await client.post("/api/token", { email, password: PASSWORD })).body.token;
    const session = (await c.owner.client.post(`${base(c)}/sessions`, {})).body.session;
    const { token } = (await c.owner.client.get(`/api/sessions/${session.id}/code`)).body;
    expect((await client.post("/api/checkin", { token })).status).toBe(201);
  });

  it("a withdrawn invitation enrolls nobody", async () => {
    const c = await cast();
    const email = unique("withdrawn");
    await c.owner.client.text(`${base(c)}/roster`, `email\n${email}\n`);
    const [inv] = (await c.ta.client.get(`${base(c)}/invitations`)).body.invitations;
    expect((await c.ta.client.del(`${base(c)}/invitations/${inv.id}`)).status).toBe(200);
    const reg = await new ApiClient(server.url).post("/api/register", { name: "Not Listed", email, password: PASSWORD, kind: "student" });
    const rows = await getDb().all(sql`SELECT 1 FROM enrollments WHERE student_id = ${reg.body.user.id}`);
    expect(rows).toEqual([]);
  });

  it("5,001 rows (CSV or JSON) is 413 too_large and writes nothing; 5,000 is fine", async () => {
    const c = await cast();
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `bulk${i}-${c.course.id}@example.test,Bulk ${i}`);
    await refused(() => c.owner.client.text(`${base(c)}/roster`, ["email,name", ...lines(5001)].join("\r\n")), 413, "too_large");
    await refused(
      () => c.owner.client.post(`${base(c)}/roster`, { students: lines(5001).map((l) => ({ email: l.split(",")[0] })) }),
      413,
      "too_large",
    );
    const ok = await c.owner.client.text(`${base(c)}/roster`, ["email,name", ...lines(5000)].join("\r\n"));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ invited: 5000, invalid: [] });
    expect(Number((await getDb().get<{ n: number }>(sql`SELECT count(*) AS n FROM course_invitations WHERE course_id = ${c.course.id}`))!.n)).toBe(5000);
  });
});

describe("archive and restore", () => {
  it("archiving ends the running session (unmarked → absent), hides the course, refuses sessions and enrollments; restore brings them back", async () => {
    const c = await cast();
    const other = await registerAndLogin(server.url, "student");
    const session = (await c.owner.client.post(`${base(c)}/sessions`, {})).body.session;

    const archived = await c.owner.client.del(base(c));
    expect(archived.status).toBe(200);
    expect(archived.body.course.archivedAt).toEqual(expect.any(String));
    const ended = (await c.owner.client.get(`/api/sessions/${session.id}`)).body;
    expect(ended.session.status).toBe("ended");
    expect(ended.counts).toMatchObject({ absent: 1, total: 1 });
    expect((await getDb().all(sql`SELECT action FROM audit_events WHERE session_id = ${session.id} AND action = 'end'`))).toHaveLength(1);

    for (const who of [c.owner, c.ta, c.student]) {
      expect((await who.client.get("/api/courses")).body.courses.map((x: any) => x.id)).not.toContain(c.course.id);
      const listed = (await who.client.get("/api/courses?archived=true")).body.courses;
      expect(listed.map((x: any) => x.id)).toEqual([c.course.id]);
      expect(listed[0].archivedAt).toEqual(expect.any(String));
      // Records stay readable.
      expect((await who.client.get(base(c))).status).toBe(200);
      expect((await who.client.get(`/api/sessions/${session.id}`)).status).toBe(200);
    }
    await refused(() => c.ta.client.post(`${base(c)}/sessions`, {}), 409, "course_archived");
    await refused(() => other.client.post("/api/enroll", { code: c.course.enrollCode }), 409, "course_archived");
    await refused(() => c.owner.client.text(`${base(c)}/roster`, `email\n${other.email}\n`), 409, "course_archived");
    await refused(() => c.owner.client.text(`${base(c)}/roster?dryRun=true`, `email\n${other.email}\n`), 409, "course_archived");
    // Archiving twice changes nothing.
    const before = await dbState();
    expect((await c.owner.client.del(base(c))).body.course.archivedAt).toBe(archived.body.course.archivedAt);
    expect(await dbState()).toEqual(before);

    const restored = await c.owner.client.post(`${base(c)}/restore`);
    expect(restored.body.course.archivedAt).toBeNull();
    expect((await c.owner.client.get("/api/courses")).body.courses.map((x: any) => x.id)).toContain(c.course.id);
    expect((await c.ta.client.post(`${base(c)}/sessions`, {})).status).toBe(201);
    expect((await other.client.post("/api/enroll", { code: c.course.enrollCode })).status).toBe(201);
  });
});

describe("class lists as real files (test/fixtures/rosters)", () => {
  const file = (name: string) => readFileSync(path.join(__dirname, "../fixtures/rosters", name));
  /** Posts the file's bytes as a browser uploading it would. */
  async function upload(c: Cast, name: string, dryRun = false) {
    const res = await fetch(`${server.url}${base(c)}/roster${dryRun ? "?dryRun=true" : ""}`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.owner.token}`, "content-type": "text/csv" },
      body: file(name),
    });
    return { status: res.status, body: await res.json() };
  }
  const invited = async (c: Cast) => (await c.owner.client.get(`${base(c)}/invitations`)).body.invitations.map((i: any) => [i.email, i.name, i.studentNumber]);

  it("Excel's CSV UTF-8 (BOM, CRLF, first and last name columns, quoted comma); a dry run writes nothing", async () => {
    const c = await cast();
    const before = await dbState();
    const dry = await upload(c, "excel-utf8.csv", true);
    expect(dry).toEqual({ status: 200, body: { added: 0, alreadyEnrolled: 0, invited: 3, invalid: [] } });
    expect(await dbState()).toEqual(before);
    expect((await upload(c, "excel-utf8.csv")).body).toEqual(dry.body);
    expect(await invited(c)).toEqual([
      ["CHLOE.ONEILL@UNI.EXAMPLE", "Chloé O'Neill", "2026-0003"],
      ["jose.nunez@uni.example", "José Núñez, Jr.", "2026-0002"],
      ["zoe.angstrom@uni.example", "Zoë Ångström", "2026-0001"],
    ]);
  });

  it("a semicolon file from a German Excel in Windows-1252, with an empty row", async () => {
    const c = await cast();
    expect((await upload(c, "semicolon-windows-1252.csv")).body).toEqual({ added: 0, alreadyEnrolled: 0, invited: 3, invalid: [] });
    expect(await invited(c)).toEqual([
      ["clara.gruen@uni.example", "Grün, Clara", "4713"],
      ["anna.mueller@uni.example", "Müller, Anna", "4711"],
      ["bernd.weiss@uni.example", "Weiß, Bernd", "4712"],
    ]);
  });

  it("a registrar's export: everything quoted, escaped quotes, blank lines, a repeated row and a broken address", async () => {
    const c = await cast();
    const res = await upload(c, "registrar-quoted.csv");
    expect(res.body).toEqual({
      added: 0,
      alreadyEnrolled: 0,
      invited: 2,
      invalid: [
        { line: 5, email: "ada@uni.example", reason: "Repeats line 2; imported once." },
        { line: 6, email: "alan(at)uni.example", reason: "Not a valid e-mail address." },
      ],
    });
    expect(await invited(c)).toEqual([
      ["grace@uni.example", 'Hopper, Grace "Amazing"', "S2"],
      ["ada@uni.example", "Lovelace, Ada", "S1"],
    ]);
  });
});
