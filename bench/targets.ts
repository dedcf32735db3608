import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { analyze, type TargetSummary } from "./analyze";
import { freePort, startChild, type ServerChild } from "./child";
import { BENCH_DIST_DIR } from "./build";
import { readRecords } from "./db-check";
import { request } from "./http";
import { runLoad, type Target } from "./load";
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

export type RollcallExtras = { seedMs: number; tokenProof: TokenProof; joinFile: string };

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

type Common = { students: number; schedule: Arrival[]; pageFlow: boolean; dir: string; log: Log };

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

    const started = await expectStatus(
      "start session",
      request(`${url}/api/courses/${roster.courseId}/sessions`, { method: "POST", headers: { authorization: `Bearer ${teacherToken}` }, body: { title: "Lecture hall bench" } }),
      201,
    );
    const sessionId = (started.json as { session: { id: string } }).session.id;

    // A server that has been up all morning has loaded /join and the check-in route already.
    const join = await request(`${url}/join`);
    const joinFile = path.join(o.dir, "join.html");
    writeFileSync(joinFile, join.body);
    if (join.status !== 200) o.log(`  rollcall: warning: GET /join answers ${join.status} (is the join page built?)`);
    await expectStatus("warm-up POST /api/checkin", request(`${url}/api/checkin`, { method: "POST", headers: { authorization: `Bearer ${teacherToken}` }, body: {} }), 400);

    const target: Target = {
      name: "rollcall",
      url,
      sessionId,
      teacherToken,
      studentIds: roster.students.map((s) => s.id),
      studentTokens: roster.students.map((s, i) => (i === 0 ? realToken : s.token)),
    };
    const run = await runLoad(target, o.schedule, o);
    const summary = await finish(child, target, run);
    const extras: RollcallExtras = { seedMs: child.ready.seedMs, tokenProof, joinFile };
    return { summary, extras };
  } finally {
    await child.stop();
  }
}

export async function benchFloor(o: Common & { joinFile: string }) {
  const port = await freePort();
  const child = await startChild("floor-server.ts", {
    DATABASE_PATH: path.join(o.dir, "floor.db"),
    PORT: String(port),
    BENCH_STUDENTS: String(o.students),
    BENCH_ROSTER: path.join(o.dir, "floor-roster.json"),
    BENCH_JOIN_FILE: o.joinFile,
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
    const run = await runLoad(target, o.schedule, o);
    return { summary: await finish(child, target, run) };
  } finally {
    await child.stop();
  }
}
