import { randomBytes } from "node:crypto";
import path from "node:path";
import { SESSION_COOKIES } from "@/lib/auth/current-user";
import { analyze, type TargetSummary } from "./analyze";
import { freePort, startChild, type ServerChild } from "./child";
import { BENCH_DIST_DIR } from "./build";
import { readRecords } from "./db-check";
import { request } from "./http";
import { runLoad, type Flow, type PagePlan, type Target } from "./load";
import { writeBundle } from "./page-bundle";
import { derivePlan, describePlan, filesWithoutBody, staticFiles, type ServedRequest } from "./page-plan";
import { probePageLoads, type PageLoadCost } from "./probe";
import { capturePage } from "./record-page";
import { REQUESTS_PATH } from "./request-log";
import type { Arrival } from "./schedule";

export type TokenProof = {
  /** The student whose phone used a token from the real POST /api/token instead of a minted one. */
  studentEmail: string;
  realTokenStatus: number;
  /** GET /api/me answers the same for the minted and the real token. */
  sameMeReply: boolean;
  /** Same JWE protected header (alg/enc): the same kind of token from the same code. */
  sameHeader: boolean;
  mintedLength: number;
  realLength: number;
};

/** Server CPU and bytes of a page load alone, measured before the minute with a few loads in flight (page flow only). */
export type PageLoadCosts = { cold: PageLoadCost; warm: PageLoadCost };

export type RollcallExtras = {
  seedMs: number;
  tokenProof: TokenProof;
  /** The page as Rollcall served it, for the floor. */
  bundleFile: string;
  /** Page flow: the steps derived from the recorded visit, and how the recording went. */
  page: PagePlan | null;
  planText: string[];
};

type Log = (line: string) => void;

async function expectStatus(what: string, p: Promise<{ status: number; json: unknown }>, ...ok: number[]) {
  const r = await p;
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return r;
}

/** Stops the child first: the database is read only once the server has closed it. */
async function finish(child: ServerChild, target: Target, run: Awaited<ReturnType<typeof runLoad>>): Promise<TargetSummary> {
  const code = await child.stop();
  if (code !== 0) throw new Error(`${target.name} server exited with code ${code}`);
  return analyze(run, readRecords(child.ready.dbPath, target.sessionId), target.studentIds);
}

type Common = { students: number; schedule: Arrival[]; flow: Flow; dir: string; log: Log; probeLoads: number };

/**
 * A rehearsal before the minute, in its own course so it leaves the measured
 * session untouched: a student registers, enrolls and signs in through the real
 * API, the teacher opens a session, and Chromium opens that session's deep link
 * as the student's phone. The recording becomes the plan every phone replays.
 */
export async function recordPage(url: string, teacherToken: string, dir: string, log: Log): Promise<{ page: PagePlan; bundleFile: string; planText: string[] }> {
  const teacher = { authorization: `Bearer ${teacherToken}` };
  const email = "rehearsal@bench.test";
  const password = randomBytes(12).toString("base64url");
  await expectStatus("register the rehearsal student", request(`${url}/api/register`, { method: "POST", body: { name: "Rehearsal Student", email, password, kind: "student" } }), 201);
  const studentToken = ((await expectStatus("rehearsal sign-in", request(`${url}/api/token`, { method: "POST", body: { email, password } }), 200)).json as { token: string }).token;
  const course = (await expectStatus("rehearsal course", request(`${url}/api/courses`, { method: "POST", headers: teacher, body: { name: "Rehearsal" } }), 201)).json as { course: { id: string; enrollCode: string } };
  await expectStatus("rehearsal enrollment", request(`${url}/api/enroll`, { method: "POST", headers: { authorization: `Bearer ${studentToken}` }, body: { code: course.course.enrollCode } }), 201);
  const session = (await expectStatus("rehearsal session", request(`${url}/api/courses/${course.course.id}/sessions`, { method: "POST", headers: teacher, body: { title: "Rehearsal" } }), 201)).json as { session: { id: string } };
  const sessionId = session.session.id;
  const liveCode = async () => (await expectStatus("rehearsal code", request(`${url}/api/sessions/${sessionId}/code`, { headers: teacher }), 200)).json as { token: string; url: string };

  // The cookie a browser signed in over plain HTTP carries (the bench servers speak HTTP).
  const sessionCookie = SESSION_COOKIES.find((c) => !c.startsWith("__Secure-"))!;
  const started = performance.now();
  const capture = await capturePage({
    origin: url,
    // Each visit opens the link the projector shows then (the second visit is the next lecture: a new token, or the same one
    // within a window, which changes nothing the phone does).
    entry: async () => {
      const code = await liveCode();
      return { url: `${url}${new URL(code.url).pathname}${new URL(code.url).search}`, token: code.token };
    },
    sessionId,
    cookies: { [sessionCookie]: studentToken },
    server: {
      start: async () => void (await request(`${url}${REQUESTS_PATH}?start`)),
      stop: async () => (await request(`${url}${REQUESTS_PATH}`)).json as ServedRequest[],
    },
  });
  await expectStatus("end the rehearsal", request(`${url}/api/sessions/${sessionId}/end`, { method: "POST", headers: teacher }), 200);
  const count = (r: typeof capture.cold) => `${r.served?.length ?? r.requests.length} requests and ${r.sockets.length} socket(s) reached the server`;
  log(`  rollcall: recorded /join in ${capture.cold.browser} (${((performance.now() - started) / 1000).toFixed(1)} s): first visit ${count(capture.cold)}, next visit ${count(capture.warm)}`);

  const plan = derivePlan(capture.cold, capture.html, capture.extras);
  const warm = derivePlan(capture.warm, capture.html, capture.extras, { returning: true });
  const recorded = staticFiles([capture.cold, capture.warm], capture.extras);
  // A file only the server saw (the browser checking its service worker) is fetched once more for the floor's copy.
  for (const path of filesWithoutBody([plan.steps, warm.steps], recorded)) {
    const r = await request(`${url}${path}`);
    if (r.status === 200) recorded.push({ method: "GET", path, resourceType: "other", requestHeaders: {}, postData: null, startedAt: 0, status: 200, responseHeaders: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v ?? "")])), body: r.body });
  }
  const files = recorded.map((r) => ({ path: r.path, status: r.status, headers: r.responseHeaders, body: r.body! }));
  const bundleFile = writeBundle(dir, plan.sessionCookie, files);
  return {
    page: { plan, cold: plan.steps, warm: warm.steps },
    bundleFile,
    planText: [
      `Page flow derived from /join as ${plan.browser} loaded it, first visit (a cold phone):`,
      ...describePlan(plan).map((l) => "  " + l),
      "The next visit on the same phone (a warm phone: another lecture, a new QR token), what reached the server:",
      ...describePlan({ ...warm, skipped: [] }).map((l) => "  " + l),
    ],
  };
}

async function probe(url: string, page: PagePlan, target: Pick<Target, "sessionId" | "studentTokens">, qrToken: string, loads: number, log: Log, name: string): Promise<PageLoadCosts> {
  const common = { url, page, sessionToken: target.studentTokens[target.studentTokens.length - 1], qrToken, sessionId: target.sessionId, loads };
  const cold = await probePageLoads({ ...common, warm: false });
  const warm = await probePageLoads({ ...common, warm: true });
  log(`  ${name}: page load alone, ${loads}× with a few in flight: cold ${cold.cpuMsPerLoad.toFixed(2)} ms CPU, ${(cold.bytesIn / 1024).toFixed(1)} KiB; warm ${warm.cpuMsPerLoad.toFixed(2)} ms, ${(warm.bytesIn / 1024).toFixed(1)} KiB`);
  return { cold, warm };
}

async function liveToken(url: string, teacherToken: string, sessionId: string): Promise<string> {
  const r = await expectStatus("GET code", request(`${url}/api/sessions/${sessionId}/code`, { headers: { authorization: `Bearer ${teacherToken}` } }), 200);
  return (r.json as { token: string }).token;
}

export async function benchRollcall(o: Common & { cpuProfDir: string | null }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild(
    "rollcall-server.ts",
    {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_DIST_DIR: BENCH_DIST_DIR,
      DATABASE_PATH: path.join(o.dir, "rollcall.db"),
      PORT: String(port),
      APP_URL: url,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      BENCH_STUDENTS: String(o.students),
      BENCH_ROSTER: path.join(o.dir, "rollcall-roster.json"),
    },
    o.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${o.cpuProfDir}`] : [],
  );
  try {
    const { roster } = child;
    o.log(`  rollcall: server up (pid ${child.pid}), ${roster.students.length} students seeded in ${(child.ready.seedMs / 1000).toFixed(1)} s`);

    // The teacher signs in for real; so does one student, whose phone then uses that token.
    const signIn = (email: string, password: string | null) =>
      expectStatus(`POST /api/token ${email}`, request(`${url}/api/token`, { method: "POST", body: { email, password } }), 200);
    const teacherToken = ((await signIn(roster.teacher.email, roster.teacher.password)).json as { token: string }).token;
    const proofStudent = roster.students[0];
    const real = await signIn(proofStudent.email, roster.studentPassword);
    const realToken = (real.json as { token: string }).token;
    const me = (token: string) => request(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    const [meMinted, meReal] = await Promise.all([me(proofStudent.token), me(realToken)]);
    const tokenProof: TokenProof = {
      studentEmail: proofStudent.email,
      realTokenStatus: real.status,
      sameMeReply: meMinted.status === 200 && meReal.status === 200 && JSON.stringify(meMinted.json) === JSON.stringify(meReal.json),
      sameHeader: proofStudent.token.split(".")[0] === realToken.split(".")[0],
      mintedLength: proofStudent.token.length,
      realLength: realToken.length,
    };
    if (!tokenProof.sameMeReply) throw new Error(`minted and real tokens disagree on GET /api/me: ${JSON.stringify([meMinted.json, meReal.json])}`);

    let page: PagePlan | null = null;
    let bundleFile: string;
    let planText: string[] = [];
    if (o.flow === "page") {
      ({ page, bundleFile, planText } = await recordPage(url, teacherToken, o.dir, o.log));
    } else {
      // The idealised phone fetches /join's HTML only: that is all the floor needs to serve.
      const join = await request(`${url}/join`);
      if (join.status !== 200) o.log(`  rollcall: warning: GET /join answers ${join.status} (is the join page built?)`);
      const headers = Object.fromEntries(Object.entries(join.headers).map(([k, v]) => [k, String(v)]));
      bundleFile = writeBundle(o.dir, SESSION_COOKIES[SESSION_COOKIES.length - 1], [{ path: "/join", status: join.status, headers, body: join.body }]);
    }

    const started = await expectStatus(
      "start session",
      request(`${url}/api/courses/${roster.courseId}/sessions`, { method: "POST", headers: { authorization: `Bearer ${teacherToken}` }, body: { title: "Lecture hall bench" } }),
      201,
    );
    const sessionId = (started.json as { session: { id: string } }).session.id;

    // A server that has been up all morning has loaded /join and the check-in route already.
    await request(`${url}/join`);
    await expectStatus("warm-up POST /api/checkin", request(`${url}/api/checkin`, { method: "POST", headers: { authorization: `Bearer ${teacherToken}` }, body: {} }), 400);

    const target: Target = {
      name: "rollcall",
      url,
      sessionId,
      teacherToken,
      studentIds: roster.students.map((s) => s.id),
      studentTokens: roster.students.map((s, i) => (i === 0 ? realToken : s.token)),
    };
    const pageLoad = page ? await probe(url, page, target, await liveToken(url, teacherToken, sessionId), o.probeLoads, o.log, "rollcall") : null;
    const run = await runLoad(target, o.schedule, { flow: o.flow, page, log: o.log });
    const summary = await finish(child, target, run);
    const extras: RollcallExtras = { seedMs: child.ready.seedMs, tokenProof, bundleFile, page, planText };
    return { summary: { ...summary, pageLoad }, extras };
  } finally {
    await child.stop();
  }
}

export async function benchFloor(o: Common & { bundleFile: string; page: PagePlan | null }) {
  const port = await freePort();
  const child = await startChild("floor-server.ts", {
    DATABASE_PATH: path.join(o.dir, "floor.db"),
    PORT: String(port),
    BENCH_STUDENTS: String(o.students),
    BENCH_ROSTER: path.join(o.dir, "floor-roster.json"),
    BENCH_PAGE_BUNDLE: o.bundleFile,
  });
  try {
    const { roster } = child;
    o.log(`  floor: server up (pid ${child.pid})`);
    const target: Target = {
      name: "floor",
      url: child.ready.url,
      sessionId: roster.sessionId!,
      teacherToken: roster.teacher.token!,
      studentIds: roster.students.map((s) => s.id),
      studentTokens: roster.students.map((s) => s.token),
    };
    await request(`${target.url}/join`);
    const pageLoad = o.page ? await probe(target.url, o.page, target, "floor-probe", o.probeLoads, o.log, "floor") : null;
    const run = await runLoad(target, o.schedule, { flow: o.flow, page: o.page, log: o.log });
    return { summary: { ...(await finish(child, target, run)), pageLoad } };
  } finally {
    await child.stop();
  }
}
