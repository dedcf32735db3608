import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Database from "better-sqlite3";
import { Server, type Socket } from "socket.io";
import { onStop, requiredEnv, sendReady, type Roster } from "./child-protocol";
import { loadBundle, staticServer } from "./page-bundle";
import { benchStats } from "./server-stats";

/**
 * The floor: what the lecture-hall minute costs with nothing of ours in the
 * way — node:http + Socket.IO + better-sqlite3 with Rollcall's pragmas, one row
 * per check-in in a transaction, the ack after the commit, the record emitted
 * to the teacher's room and the student's own room. The page and its files
 * are the very bytes Rollcall served, compressed once at start and served from
 * memory with the cache headers Rollcall gave them. No Next.js, no sign-in
 * tokens (the session cookie, the bearer token or a socket's `auth.token` is
 * the student id), no validation beyond "is this the live QR token", no audit
 * trail. Whatever Rollcall spends above this is what our layers cost.
 */
const dbPath = requiredEnv("DATABASE_PATH");
const rosterFile = requiredEnv("BENCH_ROSTER");
const count = Number(requiredEnv("BENCH_STUDENTS"));
// The very bytes Rollcall served for /join and its files, so both send the same page.
const bundle = loadBundle(requiredEnv("BENCH_PAGE_BUNDLE"));
const serveStatic = staticServer(bundle);
const DEVICE_COOKIE = "rollcall_device";
const rotationMs = Number(process.env.BENCH_ROTATION_SECONDS ?? "10") * 1000;
const TEACHER = "teacher";

const sqlite = new Database(dbPath);
sqlite.pragma("journal_mode = WAL");
sqlite.pragma("synchronous = FULL");
sqlite.pragma("foreign_keys = ON");
sqlite.pragma("busy_timeout = 5000");
sqlite.exec(`
  CREATE TABLE students (id TEXT PRIMARY KEY, name TEXT NOT NULL);
  CREATE TABLE attendance_records (
    session_id TEXT NOT NULL, student_id TEXT NOT NULL REFERENCES students(id), status TEXT NOT NULL,
    method TEXT NOT NULL, checked_in_at INTEGER NOT NULL, PRIMARY KEY (session_id, student_id));
`);

const names = new Map<string, string>();
const addStudent = sqlite.prepare("INSERT INTO students (id, name) VALUES (?, ?)");
sqlite.transaction(() => {
  for (let i = 1; i <= count; i++) {
    const id = `s${String(i).padStart(5, "0")}`;
    names.set(id, `Student ${id.slice(1)}`);
    addStudent.run(id, names.get(id));
  }
})();
sqlite.pragma("wal_checkpoint(TRUNCATE)"); // as the Rollcall bench server does after seeding

const sessionId = randomBytes(6).toString("hex");
const startedAt = Date.now();
const counts = { present: 0, late: 0, absent: 0, excused: 0, unmarked: count, total: count };

// The projector's token: a fresh random one per window; the one before stays valid.
type Code = { token: string; window: number };
const windowAt = (t: number) => Math.floor((t - startedAt) / rotationMs);
const newCode = (w: number): Code => ({ token: `${sessionId}.${w}.${randomBytes(12).toString("base64url")}`, window: w });
let current = newCode(0);
let previous: Code | null = null;
const codeDto = (t = Date.now()) => ({
  token: current.token,
  url: `http://floor.invalid/join?t=${current.token}`,
  code: "000000",
  expiresAt: new Date(startedAt + (current.window + 1) * rotationMs).toISOString(),
  codeExpiresAt: null,
  serverTime: new Date(t).toISOString(),
});

const existing = sqlite.prepare("SELECT checked_in_at FROM attendance_records WHERE session_id = ? AND student_id = ?").pluck();
const insert = sqlite.prepare("INSERT INTO attendance_records (session_id, student_id, status, method, checked_in_at) VALUES (?, ?, 'present', 'qr', ?)");
const commit = sqlite.transaction((studentId: string, t: number): { at: number; created: boolean } => {
  const at = existing.get(sessionId, studentId) as number | undefined;
  if (at !== undefined) return { at, created: false };
  insert.run(sessionId, studentId, t);
  return { at: t, created: true };
});

type Reply = { ok: true; record: object; session: object; alreadyCheckedIn: boolean } | { ok: false; error: { code: string; message: string } };

function checkIn(studentId: string, token: unknown): Reply {
  if (token !== current.token && token !== previous?.token) {
    return { ok: false, error: { code: "code_expired", message: "This QR code has expired." } };
  }
  const { at, created } = commit(studentId, Date.now());
  const iso = new Date(at).toISOString();
  const record = { studentId, studentName: names.get(studentId), status: "present", method: "qr", checkedInAt: iso, lateMinutes: null, markedBy: null, note: null, flagged: false, updatedAt: iso };
  if (created) {
    counts.present += 1;
    counts.unmarked -= 1;
    io.to(`session:${sessionId}:staff`).emit("attendance:marked", { sessionId, record, counts });
    io.to(`user:${studentId}`).emit("attendance:marked", { sessionId, record });
  }
  return { ok: true, record, session: { id: sessionId, title: "Floor", courseName: "Floor" }, alreadyCheckedIn: !created };
}

const stats = benchStats(() => io.engine.clientsCount);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

/** Who is calling: a bearer token, else the session cookie, else a socket's auth.token; each is the student id here. */
function callerOf(req: IncomingMessage, authToken?: unknown): string | null {
  const bearer = (req.headers.authorization ?? "").replace(/^Bearer\s+/i, "");
  const id = typeof authToken === "string" && authToken ? authToken : bearer || cookies(req).get(bundle.sessionCookie) || "";
  return id === TEACHER || names.has(id) ? id : null;
}

async function onRequest(req: IncomingMessage, res: ServerResponse) {
  if (stats.intercept(req, res)) return;
  if (serveStatic(req, res)) return;
  const path = (req.url ?? "/").split("?")[0];
  if (req.method === "POST" && path === "/api/checkin") {
    const studentId = callerOf(req) ?? "";
    const body = await readBody(req);
    // A browser without a device id gets one with its first check-in, as from Rollcall.
    const device = cookies(req).has(DEVICE_COOKIE) ? {} : { "set-cookie": `${DEVICE_COOKIE}=${randomBytes(18).toString("base64url")}; Path=/; Max-Age=34560000; HttpOnly; SameSite=Lax` };
    const send = (status: number, payload: object) => res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...device }).end(JSON.stringify(payload));
    if (!names.has(studentId)) return send(401, { error: { code: "unauthenticated", message: "Sign in first." } });
    let token: unknown;
    try {
      token = (JSON.parse(body) as { token?: unknown }).token;
    } catch {
      return send(400, { error: { code: "invalid_input", message: "Not JSON." } });
    }
    const reply = checkIn(studentId, token);
    if (!reply.ok) return send(410, { error: reply.error });
    const { ok: _ok, ...result } = reply;
    void _ok;
    return send(reply.alreadyCheckedIn ? 200 : 201, result);
  }
  res.writeHead(404).end();
}

const http = createServer((req, res) => {
  onRequest(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500).end();
  });
});
const io = new Server(http, { path: "/socket.io", serveClient: false, pingInterval: 25_000, pingTimeout: 30_000 });

io.use((socket, next) => {
  const id = callerOf(socket.request, socket.handshake.auth?.token);
  if (!id) return next(new Error("unauthorized"));
  socket.data.id = id;
  next();
});

type AckFn = (reply: object) => void;
const ackOf = (ack: unknown): AckFn => (typeof ack === "function" ? (ack as AckFn) : () => {});

io.on("connection", (socket: Socket) => {
  const id = socket.data.id as string;
  socket.join(`user:${id}`);
  socket.on("session:watch", (_payload: unknown, ack: unknown) => {
    if (id === TEACHER) {
      socket.join(`session:${sessionId}:staff`);
      ackOf(ack)({ ok: true, code: codeDto(), counts });
    } else {
      socket.join(`session:${sessionId}:students`);
      ackOf(ack)({ ok: true, session: { id: sessionId }, me: null });
    }
  });
  socket.on("attendance:checkin", (payload: unknown, ack: unknown) => {
    if (id === TEACHER) return ackOf(ack)({ ok: false, error: { code: "forbidden", message: "Teachers do not check in." } });
    ackOf(ack)(checkIn(id, (payload as { token?: unknown } | null)?.token));
  });
  // Whatever else the recorded page asks on its socket (today: who is signed in) gets the cheapest answer that
  // lets it go on, so the floor does the page's every step without the bench naming them.
  socket.onAny((event: string, ...args: unknown[]) => {
    if (event === "session:watch" || event === "attendance:checkin") return;
    ackOf(args.at(-1))({ ok: true, user: { id, name: names.get(id) ?? id } });
  });
});

// One timer rotates the token at each window boundary and tells the teacher's room.
function scheduleRotation() {
  const t = Date.now();
  const timer = setTimeout(() => {
    const now = Date.now();
    previous = current;
    current = newCode(windowAt(now));
    io.to(`session:${sessionId}:staff`).emit("session:code", { sessionId, ...codeDto(now) });
    scheduleRotation();
  }, startedAt + (windowAt(t) + 1) * rotationMs - t + 15);
  timer.unref();
}
scheduleRotation();

http.listen(Number(requiredEnv("PORT")), "127.0.0.1", () => {
  const roster: Roster = {
    students: [...names].map(([id, name]) => ({ id, name, email: `${id}@floor.invalid`, token: id })),
    teacher: { id: TEACHER, email: "teacher@floor.invalid", password: null, token: TEACHER },
    studentPassword: null,
    courseId: null,
    sessionId,
  };
  writeFileSync(rosterFile, JSON.stringify(roster));
  stats.reset();
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : 0;
  sendReady({ type: "ready", url: `http://127.0.0.1:${port}`, rosterFile, dbPath, seedMs: 0 });
});

onStop(
  () =>
    new Promise<void>((resolve) => {
      io.close(() => {
        sqlite.close();
        resolve();
      });
    }),
);
