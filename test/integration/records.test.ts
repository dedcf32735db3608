import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import Papa from "papaparse";
import { setClockOffset } from "@/lib/clock";
import { zonedDate } from "@/lib/records/zoned";
import { ApiClient, emitAck, registerAndLogin } from "../api";
import { classroom, enrolledStudent, heardEvent, listen, type Account, type Classroom } from "../attendance-fixtures";
import { addTa, clockAt, download, runSession, setRateSettings, setStudentNumber } from "../records-fixtures";
import { startTestServer, type TestServer } from "../server";

// SPEC §10 against real route handlers and a real SQLite file: a course in
// Berlin time with late credit 0.5 and warnings below 80 %, four sessions.
//
//            S1 Mon 7 Sep   S2 Wed 9 Sep   S3 Mon 14 Sep   S4 Wed 16 Sep 00:30 (untitled; 15 Sep in UTC)
//   Ana      present        late           late            absent (at end)      → (1 + 2·0.5) / 4 = 50 %, at risk
//   Ben      present        present        late            late                 → (2 + 2·0.5) / 4 = 75 %, at risk only because of lateCredit
//   Cara     present        present        present         excused (note)       → 3 / 3 = 100 %
//   Dan      late           absent         excused (note)  excused              → 0.5 / 2 = 25 %, not at risk: only 2 sessions count
//   Eve      (not enrolled) (not enrolled) present         absent (by the TA)   → 1 / 2 = 50 %, 2 unmarked, not at risk

const BERLIN = "Europe/Berlin";
const at = (iso: string) => Date.parse(iso);
const S_TIMES = [at("2026-09-07T10:00:00+02:00"), at("2026-09-09T10:00:00+02:00"), at("2026-09-14T10:00:00+02:00"), at("2026-09-16T00:30:00+02:00")];

let server: TestServer;
let c: Classroom;
let ta: Account;
let ana: Account, ben: Account, cara: Account, dan: Account, eve: Account;
let outsider: Account;
let anonymous: ApiClient;
const S: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  c = await classroom(server, 0, { timeZone: BERLIN, lateCredit: 0.5, warnBelowPercent: 80 });
  ta = await addTa(server, c.teacher, c.course.id);
  [ana, ben, cara, dan] = await Promise.all(["Ana Alves", "Ben Brandt", "Cara Costa", "Dan Dietz"].map((n) => enrolledStudent(server, c.course.enrollCode, n)));
  outsider = await registerAndLogin(server.url, "student", "Olga Outsider");
  anonymous = new ApiClient(server.url);

  S.push(await runSession(c, S_TIMES[0], "Cells", [[ana, "present"], [ben, "present"], [cara, "present"], [dan, "late"]]));
  S.push(await runSession(c, S_TIMES[1], "Membranes, part 1", [[ana, "late"], [ben, "present"], [cara, "present"], [dan, "absent"]]));
  clockAt(S_TIMES[1] + 3 * 3_600_000);
  eve = await enrolledStudent(server, c.course.enrollCode, "Eve Engel");
  S.push(
    await runSession(c, S_TIMES[2], "Osmosis", [
      [ana, "late"],
      [ben, "late"],
      [cara, "present"],
      [dan, { mark: "excused", note: "Doctor's note" }],
      [eve, "present"],
    ]),
  );
  S.push(
    await runSession(
      c,
      S_TIMES[3],
      null,
      [
        [ana, "absent"],
        [ben, "late"],
        [cara, { mark: "excused", note: "Field trip" }],
        [dan, { mark: "excused" }],
        [eve, { mark: "absent", by: ta }],
      ],
      ta,
    ),
  );
  setClockOffset(0);
}, 60_000);
afterEach(() => setClockOffset(0));
afterAll(() => server.close());

const expected = () => ({
  [ana.user.id]: { counts: { present: 1, late: 2, absent: 1, excused: 0, unmarked: 0 }, rate: 0.5, atRisk: true, statuses: ["present", "late", "late", "absent"] },
  [ben.user.id]: { counts: { present: 2, late: 2, absent: 0, excused: 0, unmarked: 0 }, rate: 0.75, atRisk: true, statuses: ["present", "present", "late", "late"] },
  [cara.user.id]: { counts: { present: 3, late: 0, absent: 0, excused: 1, unmarked: 0 }, rate: 1, atRisk: false, statuses: ["present", "present", "present", "excused"] },
  [dan.user.id]: { counts: { present: 0, late: 1, absent: 1, excused: 2, unmarked: 0 }, rate: 0.25, atRisk: false, statuses: ["late", "absent", "excused", "excused"] },
  [eve.user.id]: { counts: { present: 1, late: 0, absent: 1, excused: 0, unmarked: 2 }, rate: 0.5, atRisk: false, statuses: [null, null, "present", "absent"] },
});

/** Every role against one path: the statuses each gets. */
async function statusesFor(path: string) {
  const who = { anonymous, outsider: outsider.client, otherStudent: cara.client, student: ana.client, ta: ta.client, owner: c.teacher.client };
  const out: Record<string, number> = {};
  for (const [k, client] of Object.entries(who)) {
    const res = await client.get(path);
    out[k] = res.status;
    if (res.status >= 400) expect(res.body?.error?.code, `${k} ${path}`).toEqual(expect.any(String));
  }
  return out;
}

describe("who may read what (SPEC §10): every endpoint × anonymous, outsider, other student, the student, TA, owner", () => {
  it("answers staff-only endpoints to staff alone", async () => {
    const staffOnly = { anonymous: 401, outsider: 403, otherStudent: 403, student: 403, ta: 200, owner: 200 };
    for (const path of [
      `/api/courses/${c.course.id}/report`,
      `/api/courses/${c.course.id}/export.csv`,
      `/api/courses/${c.course.id}/export.csv?layout=records`,
      `/api/sessions/${S[0]}/export.csv`,
      `/api/sessions/${S[0]}/audit`,
    ]) {
      expect(await statusesFor(path), path).toEqual(staffOnly);
    }
  });

  it("answers one student's records to staff and that student only", async () => {
    expect(await statusesFor(`/api/courses/${c.course.id}/students/${ana.user.id}/attendance`)).toEqual({
      anonymous: 401,
      outsider: 403,
      otherStudent: 403,
      student: 200,
      ta: 200,
      owner: 200,
    });
  });

  it("gives the history to every member, students in their own shape", async () => {
    expect(await statusesFor(`/api/courses/${c.course.id}/sessions`)).toEqual({ anonymous: 401, outsider: 403, otherStudent: 200, student: 200, ta: 200, owner: 200 });
  });

  it("gives /api/me/attendance to anyone signed in, each their own", async () => {
    expect(await statusesFor(`/api/me/attendance`)).toEqual({ anonymous: 401, outsider: 200, otherStudent: 200, student: 200, ta: 200, owner: 200 });
    expect((await outsider.client.get("/api/me/attendance")).body).toEqual({ courses: [] });
    expect((await c.teacher.client.get("/api/me/attendance")).body).toEqual({ courses: [] });
    const mine = (await cara.client.get("/api/me/attendance")).body.courses;
    expect(mine).toHaveLength(1);
    expect(JSON.stringify(mine)).not.toContain(ana.user.id);
  });

  it("answers unknown courses, sessions and students with 404, and bad from/to/layout with 400 invalid_input", async () => {
    const owner = c.teacher.client;
    for (const path of ["/api/courses/nope/report", "/api/courses/nope/sessions", "/api/courses/nope/export.csv", "/api/sessions/nope/audit", "/api/sessions/nope/export.csv", `/api/courses/nope/students/${ana.user.id}/attendance`]) {
      const res = await owner.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code, path).toBe("not_found");
    }
    expect((await owner.get(`/api/courses/${c.course.id}/students/${outsider.user.id}/attendance`)).status).toBe(404);
    for (const q of ["from=2026-02-30", "to=yesterday", "from=2026-9-1", "from=2026-09-10&to=2026-09-01", "layout=grid", "from=2026-09-01T00:00"]) {
      for (const path of [`/api/courses/${c.course.id}/sessions?${q}`, `/api/courses/${c.course.id}/report?${q}`, `/api/courses/${c.course.id}/export.csv?${q}`, `/api/courses/${c.course.id}/students/${ana.user.id}/attendance?${q}`]) {
        if (q.startsWith("layout") && !path.includes("export")) continue;
        const res = await owner.get(path);
        expect(res.status, path).toBe(400);
        expect(res.body.error.code, path).toBe("invalid_input");
      }
    }
  });
});

describe("the course history", () => {
  it("gives staff every session newest first with counts and the session's rate", async () => {
    const res = await ta.client.get(`/api/courses/${c.course.id}/sessions`);
    expect(res.status).toBe(200);
    const list = res.body.sessions;
    expect(list.map((s: any) => s.id)).toEqual([...S].reverse());
    expect(list[3]).toMatchObject({
      id: S[0],
      title: "Cells",
      startedAt: expect.stringMatching(/^2026-09-07T08:00:00/),
      status: "ended",
      counts: { present: 3, late: 1, absent: 0, excused: 0, unmarked: 1, total: 5 },
      rate: 0.875,
    });
    expect(list[3].endedAt).toEqual(expect.any(String));
    expect(list[0]).toMatchObject({ id: S[3], title: null, counts: { present: 0, late: 1, absent: 2, excused: 2, unmarked: 0, total: 5 } });
    expect(list[0].rate).toBeCloseTo(0.5 / 3, 10);
    expect(list[0]).not.toHaveProperty("me");
  });

  it("gives a student the same list with their own record and no counts", async () => {
    const list = (await dan.client.get(`/api/courses/${c.course.id}/sessions`)).body.sessions;
    expect(list.map((s: any) => s.id)).toEqual([...S].reverse());
    for (const s of list) {
      expect(s).not.toHaveProperty("counts");
      expect(s).not.toHaveProperty("rate");
    }
    expect(list.map((s: any) => s.me?.status)).toEqual(["excused", "excused", "absent", "late"]);
    expect(list[1].me).toMatchObject({ studentId: dan.user.id, studentName: "Dan Dietz", method: "manual", note: "Doctor's note" });
    expect(list[3].me).toMatchObject({ method: "code", lateMinutes: 15 });
    // Eve joined after two sessions: no record there.
    const eves = (await eve.client.get(`/api/courses/${c.course.id}/sessions`)).body.sessions;
    expect(eves.map((s: any) => s.me?.status ?? null)).toEqual(["absent", "present", null, null]);
    expect(JSON.stringify(eves)).not.toMatch(new RegExp([ana, ben, cara, dan].map((a) => a.user.id).join("|")));
  });

  it("filters on the start date in the course's zone, both ends inclusive", async () => {
    const ids = async (q: string) => ((await c.teacher.client.get(`/api/courses/${c.course.id}/sessions?${q}`)).body.sessions as any[]).map((s) => s.id);
    expect(await ids("from=2026-09-09&to=2026-09-14")).toEqual([S[2], S[1]]);
    // S4 began at 00:30 on the 16th in Berlin, which is still the 15th in UTC.
    expect(await ids("from=2026-09-09&to=2026-09-15")).toEqual([S[2], S[1]]);
    expect(await ids("from=2026-09-16&to=2026-09-16")).toEqual([S[3]]);
    expect(await ids("to=2026-09-07")).toEqual([S[0]]);
    expect(await ids("from=2026-09-17")).toEqual([]);
  });
});

describe("the course report", () => {
  it("has the spec's figures: counts, rate with lateCredit 0.5, at-risk with the three-session minimum", async () => {
    const res = await c.teacher.client.get(`/api/courses/${c.course.id}/report`);
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r.course).toMatchObject({ id: c.course.id, name: c.course.name, timeZone: BERLIN, lateCredit: 0.5, warnBelowPercent: 80 });
    expect(r.sessions).toEqual([
      { id: S[0], title: "Cells", startedAt: expect.stringMatching(/^2026-09-07T08:00:00\.\d{3}Z$/), status: "ended" },
      { id: S[1], title: "Membranes, part 1", startedAt: expect.stringMatching(/^2026-09-09T08:00/), status: "ended" },
      { id: S[2], title: "Osmosis", startedAt: expect.stringMatching(/^2026-09-14T08:00/), status: "ended" },
      { id: S[3], title: null, startedAt: expect.stringMatching(/^2026-09-15T22:30/), status: "ended" },
    ]);
    expect(r.students.map((s: any) => s.name)).toEqual(["Ana Alves", "Ben Brandt", "Cara Costa", "Dan Dietz", "Eve Engel"]);
    const want = expected();
    for (const s of r.students) {
      const w = want[s.id];
      expect(s, s.name).toEqual({
        id: s.id,
        name: s.name,
        email: expect.stringContaining("@"),
        studentNumber: null,
        counts: w.counts,
        rate: w.rate,
        atRisk: w.atRisk,
        statuses: Object.fromEntries(S.map((id, i) => [id, w.statuses[i]])),
      });
    }
    expect(r.summary).toEqual({ sessions: 4, averageRate: expect.closeTo(0.6, 10), atRisk: 2 });
  });

  it("follows the course's settings: with lateCredit 1 Ben is no longer at risk, with warnings off nobody is", async () => {
    await setRateSettings(c.teacher, c.course.id, { lateCredit: 1 });
    try {
      const r = (await c.teacher.client.get(`/api/courses/${c.course.id}/report`)).body;
      const byName = Object.fromEntries(r.students.map((s: any) => [s.name, s]));
      expect(byName["Ben Brandt"]).toMatchObject({ rate: 1, atRisk: false });
      expect(byName["Ana Alves"]).toMatchObject({ rate: 0.75, atRisk: true });
      await setRateSettings(c.teacher, c.course.id, { warnBelowPercent: 0 });
      const off = (await c.teacher.client.get(`/api/courses/${c.course.id}/report`)).body;
      expect(off.summary.atRisk).toBe(0);
      expect((await ana.client.get(`/api/courses/${c.course.id}/students/${ana.user.id}/attendance`)).body.atRisk).toBe(false);
    } finally {
      await setRateSettings(c.teacher, c.course.id, { lateCredit: 0.5, warnBelowPercent: 80 });
    }
  });

  it("covers only the date range asked for", async () => {
    const r = (await c.teacher.client.get(`/api/courses/${c.course.id}/report?from=2026-09-09&to=2026-09-15`)).body;
    expect(r.sessions.map((s: any) => s.id)).toEqual([S[1], S[2]]);
    const ana1 = r.students.find((s: any) => s.id === ana.user.id);
    expect(ana1).toMatchObject({ counts: { present: 0, late: 2, absent: 0, excused: 0, unmarked: 0 }, rate: 0.5, atRisk: false });
    expect(Object.keys(ana1.statuses)).toEqual([S[1], S[2]]);
    expect(r.summary.sessions).toBe(2);
  });

  it("equals the sum of the per-student endpoints", async () => {
    const r = (await ta.client.get(`/api/courses/${c.course.id}/report`)).body;
    for (const s of r.students) {
      const one = (await ta.client.get(`/api/courses/${c.course.id}/students/${s.id}/attendance`)).body;
      expect(one.student).toMatchObject({ id: s.id, name: s.name, email: s.email, studentNumber: s.studentNumber });
      expect({ counts: one.counts, rate: one.rate, atRisk: one.atRisk }).toEqual({ counts: s.counts, rate: s.rate, atRisk: s.atRisk });
      expect(Object.fromEntries(one.records.map((x: any) => [x.sessionId, x.status]))).toEqual(s.statuses);
    }
    const total = (k: string) => r.students.reduce((n: number, s: any) => n + s.counts[k], 0);
    expect([total("present"), total("late"), total("absent"), total("excused"), total("unmarked")]).toEqual([7, 5, 3, 3, 2]);
  });
});

describe("one student's records and /api/me/attendance", () => {
  it("lists every session newest first with status, method, time, late minutes and note", async () => {
    const res = await dan.client.get(`/api/courses/${c.course.id}/students/${dan.user.id}/attendance`);
    expect(res.status).toBe(200);
    const b = res.body;
    expect(b.student).toMatchObject({ id: dan.user.id, name: "Dan Dietz", studentNumber: null });
    expect(b).toMatchObject({ counts: expected()[dan.user.id].counts, rate: 0.25, atRisk: false });
    expect(b.records.map((r: any) => r.sessionId)).toEqual([...S].reverse());
    expect(b.records[3]).toEqual({
      sessionId: S[0],
      title: "Cells",
      startedAt: expect.stringMatching(/^2026-09-07T08:00:00/),
      sessionStatus: "ended",
      status: "late",
      method: "code",
      checkedInAt: expect.stringMatching(/^2026-09-07T08:15:/),
      lateMinutes: 15,
      note: null,
    });
    expect(b.records[1]).toMatchObject({ sessionId: S[2], status: "excused", method: "manual", checkedInAt: null, note: "Doctor's note" });
    expect(b.records[2]).toMatchObject({ sessionId: S[1], status: "absent", method: "auto" });
    const eves = (await c.teacher.client.get(`/api/courses/${c.course.id}/students/${eve.user.id}/attendance`)).body;
    expect(eves.records.map((r: any) => r.status)).toEqual(["absent", "present", null, null]);
    expect(eves.records[3]).toMatchObject({ method: null, checkedInAt: null, lateMinutes: null, note: null });
  });

  it("gives a student their own courses with the same figures", async () => {
    const other = await classroom(server, 0, { name: "Another course" });
    await enrolledStudent(server, other.course.enrollCode);
    const b = (await ana.client.get("/api/me/attendance")).body;
    expect(b.courses).toHaveLength(1);
    expect(b.courses[0]).toMatchObject({
      courseId: c.course.id,
      courseName: c.course.name,
      courseCode: c.course.code,
      counts: expected()[ana.user.id].counts,
      rate: 0.5,
      atRisk: true,
    });
    expect(b.courses[0].records.map((r: any) => r.status)).toEqual(["absent", "late", "late", "present"]);
  });
});

describe("a session's audit trail", () => {
  it("says who changed what, when, from → to, with the note, oldest first", async () => {
    const res = await c.teacher.client.get(`/api/sessions/${S[2]}/audit`);
    expect(res.status).toBe(200);
    const ev = res.body.events;
    const owner = { id: c.teacher.user.id, name: c.teacher.user.name };
    expect(ev[0]).toMatchObject({ action: "start", actor: owner, studentId: null, studentName: null, from: null, to: "active" });
    expect(ev.at(-1)).toMatchObject({ action: "end", actor: owner, from: "active", to: "ended" });
    expect(ev.map((e: any) => e.id)).toEqual([...ev.map((e: any) => e.id)].sort((a: number, b: number) => a - b));
    expect(ev.map((e: any) => Date.parse(e.at))).toEqual([...ev.map((e: any) => Date.parse(e.at))].sort((a: number, b: number) => a - b));
    const checkins = ev.filter((e: any) => e.action === "checkin");
    expect(checkins.map((e: any) => e.studentName).sort()).toEqual(["Ana Alves", "Ben Brandt", "Cara Costa", "Eve Engel"]);
    expect(checkins.find((e: any) => e.studentId === cara.user.id)).toMatchObject({ actor: { id: cara.user.id, name: "Cara Costa" }, from: null, to: "present" });
    expect(ev.find((e: any) => e.action === "mark")).toMatchObject({
      actor: owner,
      studentId: dan.user.id,
      studentName: "Dan Dietz",
      from: null,
      to: "excused",
      note: "Doctor's note",
    });

    // A later change of a past mark is audited with its note, and shows as from → to.
    const changed = await ta.client.patch(`/api/sessions/${S[2]}/attendance/${dan.user.id}`, { status: "present", note: "Was in the back row" });
    expect(changed.status).toBe(200);
    const after = (await ta.client.get(`/api/sessions/${S[2]}/audit`)).body.events;
    expect(after.at(-1)).toMatchObject({ action: "mark", actor: { id: ta.user.id, name: ta.user.name }, studentId: dan.user.id, from: "excused", to: "present", note: "Was in the back row" });
    // Put it back for the other tests.
    await c.teacher.client.patch(`/api/sessions/${S[2]}/attendance/${dan.user.id}`, { status: "excused", note: "Doctor's note" });
  });

  it("shows the automatic absences of the end, by whoever ended the session", async () => {
    const ev = (await c.teacher.client.get(`/api/sessions/${S[3]}/audit`)).body.events;
    const auto = ev.filter((e: any) => e.action === "auto_absent");
    expect(auto).toEqual([expect.objectContaining({ actor: { id: ta.user.id, name: ta.user.name }, studentId: ana.user.id, studentName: "Ana Alves", from: null, to: "absent" })]);
  });
});

function parseCsv(text: string): string[][] {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

describe("CSV export (SPEC §10)", () => {
  it("writes the matrix: BOM, CRLF, course-zone column headers, a row per approved student by name, tallies and rate", async () => {
    const res = await download(c.teacher.client, `/api/courses/${c.course.id}/export.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${c.course.code}-attendance-${zonedDate(Date.now(), BERLIN)}.csv"`);
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.text.slice(1);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([
      "Name",
      "Email",
      "Student number",
      "2026-09-07 10:00 – Cells",
      "2026-09-09 10:00 – Membranes, part 1",
      "2026-09-14 10:00 – Osmosis",
      "2026-09-16 00:30",
      "Present",
      "Late",
      "Absent",
      "Excused",
      "Rate %",
    ]);
    expect(rows.slice(1).map((r) => [r[0], ...r.slice(3)])).toEqual([
      ["Ana Alves", "present", "late", "late", "absent", "1", "2", "1", "0", "50"],
      ["Ben Brandt", "present", "present", "late", "late", "2", "2", "0", "0", "75"],
      ["Cara Costa", "present", "present", "present", "excused", "3", "0", "0", "1", "100"],
      ["Dan Dietz", "late", "absent", "excused", "excused", "0", "1", "1", "2", "25"],
      ["Eve Engel", "", "", "present", "absent", "1", "0", "1", "0", "50"],
    ]);
    expect(rows[1][1]).toBe(ana.email);
    const ranged = parseCsv((await download(c.teacher.client, `/api/courses/${c.course.id}/export.csv?from=2026-09-16&to=2026-09-16&layout=matrix`)).text);
    expect(ranged[0].slice(3)).toEqual(["2026-09-16 00:30", "Present", "Late", "Absent", "Excused", "Rate %"]);
  });

  it("writes the records layout with times in the course's UTC offset, methods, notes and who marked", async () => {
    const rows = parseCsv((await download(ta.client, `/api/courses/${c.course.id}/export.csv?layout=records`)).text.slice(1));
    expect(rows[0]).toEqual(["Name", "Email", "Student number", "Session", "Started", "Status", "Method", "Checked in at", "Late minutes", "Note", "Marked by"]);
    expect(rows).toHaveLength(1 + 4 + 4 + 5 + 5);
    const row = (name: string, session: string) => rows.find((r) => r[0] === name && r[3] === session)!;
    expect(row("Dan Dietz", "Cells")).toEqual(["Dan Dietz", dan.email, "", "Cells", "2026-09-07T10:00:00+02:00", "late", "code", expect.stringMatching(/^2026-09-07T10:15:\d\d\+02:00$/), "15", "", ""]);
    expect(row("Dan Dietz", "Osmosis")).toEqual(["Dan Dietz", dan.email, "", "Osmosis", "2026-09-14T10:00:00+02:00", "excused", "manual", "", "", "Doctor's note", c.teacher.user.name]);
    expect(row("Ana Alves", "2026-09-16 00:30")).toEqual(["Ana Alves", ana.email, "", "2026-09-16 00:30", "2026-09-16T00:30:00+02:00", "absent", "auto", "", "", "", ta.user.name]);
    expect(row("Eve Engel", "2026-09-16 00:30")).toMatchObject({ 5: "absent", 6: "manual", 10: ta.user.name });
    // Sessions oldest first, then students by name.
    expect(rows.slice(1, 5).map((r) => r[0])).toEqual(["Ana Alves", "Ben Brandt", "Cara Costa", "Dan Dietz"]);
    expect(rows.at(-1)![4]).toBe("2026-09-16T00:30:00+02:00");

    const one = await download(c.teacher.client, `/api/sessions/${S[3]}/export.csv`);
    expect(one.headers.get("content-disposition")).toBe(`attachment; filename="${c.course.code}-attendance-2026-09-16.csv"`);
    const oneRows = parseCsv(one.text.slice(1));
    expect(oneRows.map((r) => [r[0], r[5]])).toEqual([["Name", "Status"], ["Ana Alves", "absent"], ["Ben Brandt", "late"], ["Cara Costa", "excused"], ["Dan Dietz", "excused"], ["Eve Engel", "absent"]]);
  });

  it("survives hostile and unusual names: formulas defused, commas, quotes, line breaks, RTL text and emoji intact", async () => {
    const names = [
      '=HYPERLINK("http://x","y")',
      "+cmd|' /C calc'!A0",
      "-2+3",
      "@SUM(A1)",
      "Smith, John",
      'Jane "JJ" Doe',
      "Line\nBreak",
      "שרה כהן",
      "محمد علي",
      "Zoë 🎓👩🏽‍🔬",
    ];
    const k = await classroom(server, 0, { name: 'Hostile "course", 1', code: "", timeZone: "Asia/Kolkata" });
    const students = [];
    for (const n of names) students.push(await enrolledStudent(server, k.course.enrollCode, n));
    await setStudentNumber(k.course.id, students[0].user.id, "=1+1");
    await setStudentNumber(k.course.id, students[4].user.id, "007");
    await setStudentNumber(k.course.id, students[9].user.id, "\t0012");
    const sid = await runSession(k, at("2026-10-01T09:15:00+05:30"), "=cmd|' /C calc'!A0", [
      ...students.slice(0, 9).map((s) => [s, "present"] as [Account, "present"]),
      [students[9], { mark: "excused", note: "\t@note, with \"quotes\"\nand a line" }],
    ]);
    setClockOffset(0);

    const matrix = await download(k.teacher.client, `/api/courses/${k.course.id}/export.csv`);
    expect(matrix.status).toBe(200);
    // No code: the course's name, with characters a file name cannot hold replaced.
    expect(matrix.headers.get("content-disposition")).toBe(`attachment; filename="Hostile _course_, 1-attendance-${zonedDate(Date.now(), "Asia/Kolkata")}.csv"`);
    const rows = parseCsv(matrix.text.slice(1));
    expect(rows[0][3]).toBe("2026-10-01 09:15 – =cmd|' /C calc'!A0");
    const defused = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
    const byName = new Map(rows.slice(1).map((r) => [r[0], r]));
    expect(byName.size).toBe(names.length);
    for (const n of names) {
      const r = byName.get(defused(n));
      expect(r, n).toBeDefined();
      expect(r![3]).toBe(n === "Zoë 🎓👩🏽‍🔬" ? "excused" : "present");
    }
    expect(byName.get(defused(names[0]))![2]).toBe("'=1+1");
    expect(byName.get("Smith, John")![2]).toBe("007");
    for (const r of rows) for (const cell of r) expect(cell, JSON.stringify(r)).not.toMatch(/^[=+\-@\t\r]/);

    const records = parseCsv((await download(k.teacher.client, `/api/sessions/${sid}/export.csv`)).text.slice(1));
    const zoe = records.find((r) => r[0] === "Zoë 🎓👩🏽‍🔬")!;
    expect(zoe[3]).toBe("'=cmd|' /C calc'!A0");
    expect(zoe[4]).toBe("2026-10-01T09:15:00+05:30");
    // Notes are trimmed when saved; what remains begins with @.
    expect(zoe[9]).toBe("'@note, with \"quotes\"\nand a line");
    expect(zoe[2]).toBe("'\t0012");
    for (const r of records) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe("live history: course:watch (SPEC §9)", () => {
  it("delivers session:started, attendance:marked and session:ended of every session to staff watching the course, and nothing to students", async () => {
    const k = await classroom(server, 2);
    const [s0, s1] = k.students;
    const staffSocket = await server.socket({ token: k.teacher.token });
    const heard = listen(staffSocket);
    expect(await emitAck(staffSocket, "course:watch", { courseId: k.course.id })).toEqual({ ok: true, courseId: k.course.id });
    const s1Socket = await server.socket({ token: s1.token });
    const s1Heard = listen(s1Socket);
    expect(await emitAck(s1Socket, "course:watch", { courseId: k.course.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });

    const started = await k.teacher.client.post(`/api/courses/${k.course.id}/sessions`, {});
    const sessionId = started.body.session.id;
    expect(await heardEvent(staffSocket, heard, "session:started")).toMatchObject({ courseId: k.course.id, session: { id: sessionId } });

    const code = (await k.teacher.client.get(`/api/sessions/${sessionId}/code`)).body.code;
    expect((await s0.client.post("/api/checkin", { code })).status).toBe(201);
    const marked = await heardEvent(staffSocket, heard, "attendance:marked");
    expect(marked).toMatchObject({ sessionId, record: { studentId: s0.user.id, status: "present" }, counts: { present: 1, unmarked: 1, total: 2 } });

    expect((await k.teacher.client.post(`/api/sessions/${sessionId}/end`)).status).toBe(200);
    expect(await heardEvent(staffSocket, heard, "session:ended")).toMatchObject({ sessionId, counts: { present: 1, absent: 1 } });
    expect(heard.filter((h) => h.event === "attendance:marked")).toHaveLength(1);

    // The other student heard the start and the end of their own course, and their own record, never s0's.
    await heardEvent(s1Socket, s1Heard, "session:ended");
    expect(s1Heard.map((h) => h.event).sort()).toEqual(["session:ended", "session:started"]);
    expect(JSON.stringify(s1Heard)).not.toContain(s0.user.id);
  });
});
