import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { api, ask, connected, isAlive, nextEvent, openSocket, type ClientSocket, type RollcallNode } from "./harness";

/**
 * A lecture hall on running nodes: a course of N approved students seeded
 * straight into the nodes' database through the domain (one password hash for
 * all, as bench/rollcall-server.ts does), their bearer tokens minted with the
 * nodes' AUTH_SECRET by issueToken() (what POST /api/token returns), and the
 * session opened and watched over the real API.
 */
export type Target = { databaseUrl?: string | null; databasePath?: string; authSecret: string };

export type Person = { id: string; name: string; email: string; token: string };
export type Hall = { courseId: string; teacher: Person; students: Person[] };

/** Points this process's domain at the nodes' database (once per process: lib/env.ts keeps its settings). */
async function domain(t: Target) {
  if (t.databaseUrl) process.env.DATABASE_URL = t.databaseUrl;
  else delete process.env.DATABASE_URL;
  if (t.databasePath) process.env.DATABASE_PATH = t.databasePath;
  process.env.AUTH_SECRET = t.authSecret;
  const [{ getDb, openDb, closeDb }, { seedCourse }, { hashPassword }, { issueToken }, { newEnrollCode, newId }, { getEnv }] = await Promise.all([
    import("@/lib/db/client"),
    import("@/lib/seed/demo"),
    import("@/lib/auth/password"),
    import("@/lib/auth/tokens"),
    import("@/lib/ids"),
    import("@/lib/env"),
  ]);
  if (getEnv().AUTH_SECRET !== t.authSecret) throw new Error("this process already seeded with another AUTH_SECRET");
  return { getDb, openDb, closeDb, seedCourse, hashPassword, issueToken, newEnrollCode, newId };
}

let passwordHash: string | null = null;
let halls = 0;

export async function seedHall(t: Target, count: number): Promise<Hall> {
  const d = await domain(t);
  const db = await d.openDb();
  passwordHash ??= await d.hashPassword("scale-test-password");
  const run = `${process.pid}-${++halls}-${randomBytes(3).toString("hex")}`;
  const teacher = { id: d.newId(), name: "Scale Teacher", email: `teacher-${run}@scale.test`, kind: "teacher" as const };
  const students = Array.from({ length: count }, (_, i) => ({
    id: d.newId(),
    name: `Student ${String(i + 1).padStart(4, "0")}`,
    email: `s${i + 1}-${run}@scale.test`,
    kind: "student" as const,
  }));
  const course = { id: d.newId(), name: `Scale ${run}`, code: null, term: null, enrollCode: d.newEnrollCode() };
  await db.transaction((tx) => d.seedCourse(tx, { teacher, students, course, passwordHash: passwordHash! }));
  const withToken = async (p: { id: string; name: string; email: string; kind: "teacher" | "student" }): Promise<Person> => ({
    id: p.id,
    name: p.name,
    email: p.email,
    token: (await d.issueToken(p)).token,
  });
  return { courseId: course.id, teacher: await withToken(teacher), students: await Promise.all(students.map(withToken)) };
}

/** The students with a record in the session, read from the database itself (the ground truth). */
export async function recordedStudents(t: Target, sessionId: string): Promise<Set<string>> {
  const d = await domain(t);
  const rows = await d.getDb().all<{ studentId: string }>(sql`SELECT student_id AS "studentId" FROM attendance_records WHERE session_id = ${sessionId}`);
  return new Set(rows.map((r) => r.studentId));
}

export async function closeDomain(t: Target): Promise<void> {
  const d = await domain(t);
  await d.closeDb();
}

export type CodeEvent = { sessionId: string; token: string; code: string; expiresAt: string; serverTime: string };

/** The teacher's console on one node: watches the session and keeps every session:code it is sent. */
export type Console = {
  socket: ClientSocket;
  codes: CodeEvent[];
  marked: Set<string>;
  flagged: { studentId: string; reason: string }[];
  /** The newest QR token the console was given. */
  token(): string;
  code(): string;
  close(): void;
};

export async function startSession(node: RollcallNode, hall: Hall, settings: Record<string, unknown> = {}): Promise<string> {
  const r = await api(node.url, "POST", `/api/courses/${hall.courseId}/sessions`, {
    token: hall.teacher.token,
    body: { title: "Scale-out", rotationSeconds: 5, codeRotationSeconds: 5, ...settings },
  });
  if (r.status !== 201) throw new Error(`starting the session on ${node.name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.session.id as string;
}

export async function openConsole(node: RollcallNode, hall: Hall, sessionId: string): Promise<Console> {
  const socket = openSocket(node.url, { token: hall.teacher.token });
  await connected(socket);
  const codes: CodeEvent[] = [];
  const marked = new Set<string>();
  const flagged: Console["flagged"] = [];
  socket.on("session:code", (c: CodeEvent) => {
    if (c.sessionId === sessionId) codes.push(c);
  });
  socket.on("attendance:marked", (m: { sessionId: string; record: { studentId: string } }) => {
    if (m.sessionId === sessionId) marked.add(m.record.studentId);
  });
  socket.on("attendance:flagged", (f: { sessionId: string; studentId: string; reason: string }) => {
    if (f.sessionId === sessionId) flagged.push({ studentId: f.studentId, reason: f.reason });
  });
  const ack = await ask(socket, "session:watch", { sessionId });
  if (!ack?.ok) throw new Error(`session:watch on ${node.name}: ${JSON.stringify(ack)}`);
  let first = ack.code as CodeEvent;
  return {
    socket,
    codes,
    marked,
    flagged,
    token: () => (codes.at(-1) ?? first).token,
    code: () => (codes.at(-1) ?? first).code,
    close: () => {
      first = codes.at(-1) ?? first;
      socket.close();
    },
  };
}

export const newDevice = () => randomBytes(18).toString("base64url");

// ---- the kill trial (SPEC §11: an acknowledged check-in survives the death of any process or node)

export type TrialResult = {
  trial: number;
  students: number;
  /** Check-ins acknowledged ok (201, or 200 alreadyCheckedIn), after retries. */
  acked: number;
  /** Acknowledged by the process that was then killed. */
  ackedByVictim: number;
  /** Records in the database for the session. */
  rows: number;
  /** Acknowledged but not in the database: must be 0. */
  lost: number;
  /** Phones whose check-in went unanswered because their process died, and that checked in again elsewhere. */
  retried: number;
  /** Phones that never got an answer at all. */
  unanswered: number;
  /** session:code events the surviving console got after the kill. */
  codesAfterKill: number;
  /** Rotation windows the console was told twice about (must be 0: exactly one session:code per window). */
  duplicateCodes: number;
  killedAfterMs: number;
  /** The console kept its socket through the trial (it was on the surviving process). */
  consoleKept?: boolean;
  /** WORKERS: the primary replaced the killed worker. */
  replaced?: boolean;
};

export type Phone = { student: Person; device: string };

type Attempt = { kind: "ok"; victim: boolean } | { kind: "unanswered" } | { kind: "refused"; code: string };

/**
 * One trial: the hall's phones check in over their sockets in a burst spread
 * over `spreadMs`, each first reaching `entry(i)` (a node; under WORKERS the
 * machine's one port, and the cluster picks the worker); `onVictim` says
 * whether a connected socket is held by the process to be killed. `kill()`
 * runs once `killAfterAcks` check-ins were acknowledged by the victim, while
 * the rest of the burst is in flight. A phone whose socket dies before its
 * answer does what /join does: reconnects (to `retryOn`) and checks in again
 * with the token on the screen. Then the database is read.
 */
export async function killTrial(o: {
  trial: number;
  hall: Hall;
  sessionId: string;
  console: Console;
  entry: (i: number) => RollcallNode;
  onVictim: (socket: ClientSocket, node: RollcallNode) => boolean;
  retryOn: RollcallNode;
  kill: () => Promise<void>;
  killAfterAcks: number;
  spreadMs: number;
  target: Target;
}): Promise<TrialResult> {
  const acked = new Set<string>();
  const ackedByVictim = new Set<string>();
  let retried = 0;
  let unanswered = 0;
  let killAt = 0;
  let killing: Promise<void> | null = null;
  const started = Date.now();
  const codesBefore = o.console.codes.length;

  const triggerKill = () => {
    if (killing) return;
    killAt = Date.now();
    killing = o.kill();
  };

  const checkIn = async (node: RollcallNode, phone: Phone): Promise<Attempt> => {
    const socket = openSocket(node.url, { token: phone.student.token, deviceId: phone.device });
    try {
      await connected(socket, 10_000);
      const victim = !killing && o.onVictim(socket, node);
      const ack = await ask(socket, "attendance:checkin", { token: o.console.token() }, 20_000);
      if (ack?.ok) return { kind: "ok", victim };
      return { kind: "refused", code: String(ack?.error?.code) };
    } catch {
      return { kind: "unanswered" };
    } finally {
      socket.close();
    }
  };

  const phones: Phone[] = o.hall.students.map((student) => ({ student, device: newDevice() }));
  const refusals: string[] = [];
  await Promise.all(
    phones.map(async (phone, i) => {
      await new Promise((r) => setTimeout(r, Math.floor((i / phones.length) * o.spreadMs)));
      const first = await checkIn(o.entry(i), phone);
      if (first.kind === "ok") {
        acked.add(phone.student.id);
        if (first.victim) {
          ackedByVictim.add(phone.student.id);
          if (ackedByVictim.size >= o.killAfterAcks) triggerKill();
        }
        return;
      }
      if (first.kind === "refused" && first.code !== "code_expired") return void refusals.push(first.code);
      // The phone reconnects elsewhere and scans again: the token on the screen now.
      retried++;
      for (let attempt = 0; attempt < 5; attempt++) {
        if (killing) await killing;
        const again = await checkIn(o.retryOn, phone);
        if (again.kind === "ok") return void acked.add(phone.student.id);
        if (again.kind === "refused" && again.code !== "code_expired") return void refusals.push(again.code);
        await new Promise((r) => setTimeout(r, 500));
      }
      unanswered++;
    }),
  );
  if (refusals.length) throw new Error(`check-ins refused: ${refusals.join(", ")}`);
  // A burst too small to reach the threshold still kills, afterwards.
  triggerKill();
  await killing;

  // The surviving console keeps getting codes: the next rotation after the kill, and one more window for duplicates.
  const killIso = new Date(killAt).toISOString();
  await nextEvent<CodeEvent>(o.console.socket, "session:code", 20_000, (c) => c.serverTime > killIso).catch(() => null);
  await new Promise((r) => setTimeout(r, 6_000));
  const mine = o.console.codes.slice(codesBefore);
  const after = mine.filter((c) => Date.parse(c.serverTime) > killAt);
  const perToken = new Map<string, number>();
  for (const c of mine) perToken.set(c.token, (perToken.get(c.token) ?? 0) + 1);
  const duplicateCodes = [...perToken.values()].reduce((n, k) => n + Math.max(0, k - 1), 0);

  const rows = await recordedStudents(o.target, o.sessionId);
  return {
    trial: o.trial,
    students: phones.length,
    acked: acked.size,
    ackedByVictim: ackedByVictim.size,
    rows: rows.size,
    lost: [...acked].filter((id) => !rows.has(id)).length,
    retried,
    unanswered,
    codesAfterKill: after.length,
    duplicateCodes,
    killedAfterMs: killAt - started,
  };
}

export function trialTable(title: string, results: TrialResult[]): string {
  const head = "trial  phones  acked  rows  lost  acked-by-killed  retried  unanswered  codes-after-kill  dup-codes  console-kept  kill-at-ms";
  const lines = results.map((r) =>
    [r.trial, r.students, r.acked, r.rows, r.lost, r.ackedByVictim, r.retried, r.unanswered, r.codesAfterKill, r.duplicateCodes, r.consoleKept ? "yes" : "no", r.killedAfterMs]
      .map((v, i) => String(v).padStart(head.split(/\s{2,}/)[i].length))
      .join("  "),
  );
  const sum = (k: keyof TrialResult) => results.reduce((n, r) => n + Number(r[k]), 0);
  return [title, head, ...lines, `total: acked ${sum("acked")}, rows ${sum("rows")}, lost ${sum("lost")} over ${results.length} trials`].join("\n");
}

export { isAlive };
