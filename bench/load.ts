import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";
import type { CheckinResult, Counts, ErrorDto } from "@/lib/model/attendance";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/events";
import { phoneAgent, request } from "./http";
import type { Arrival, Channel } from "./schedule";
import { STATS_PATH, type ServerStats } from "./server-stats";

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A server under test: where it is, the live session, and one bearer token per seeded student. */
export type Target = {
  name: "rollcall" | "floor";
  url: string;
  sessionId: string;
  teacherToken: string;
  studentIds: string[];
  studentTokens: string[];
};

export type Attempt = {
  student: number;
  channel: Channel;
  /** The second check-in of a double tap. */
  repeat: boolean;
  sentAt: number;
  ackAt: number | null;
  ok: boolean;
  alreadyCheckedIn: boolean | null;
  error: string | null;
  recordStudentId: string | null;
};

export type LoadRun = {
  startedAt: number;
  finishedAt: number;
  attempts: Attempt[];
  /** Per phone: GET /join, the Socket.IO handshake, the session:watch ack (ms). */
  phases: { join: number[]; handshake: number[]; watch: number[] };
  phaseErrors: Record<string, number>;
  join: { statuses: Record<string, number>; wireBytes: number; bytes: number };
  /** Student index → when the phone arrived (started loading /join). */
  arrivedAt: Map<number, number>;
  /** Student id → when the teacher's console received attendance:marked (first time). */
  marked: Map<string, number>;
  markedEvents: number;
  /** Students the console was told about more than once. */
  markedTwice: Set<string>;
  teacherDisconnects: number;
  phoneDisconnects: number;
  teacherCounts: Counts | null;
  dispatchLagMs: number[];
  generator: { eventLoopDelayP99Ms: number; eventLoopDelayMaxMs: number; cpuMs: number; rssPeak: number };
  server: ServerStats;
};

const ACK_TIMEOUT_MS = 30_000;
/** After the last ack, how long the teacher's console may take to show the stragglers before they count as lost. */
const MARK_GRACE_MS = 10_000;

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

function flushDisk(): void {
  try {
    execFileSync("sync");
  } catch {
    // No `sync` on this system: the comparison is a little noisier, nothing more.
  }
}

function connectSocket(url: string, token: string, cookie?: string): ClientSocket {
  return io(url, {
    path: "/socket.io",
    transports: ["websocket"],
    auth: { token },
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true,
    timeout: ACK_TIMEOUT_MS,
  });
}

function connected(socket: ClientSocket): Promise<string | null> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve(null));
    socket.once("connect_error", (e) => {
      // Transport failures carry the underlying cause (a reset, a refused upgrade) in `description`.
      const cause = (e as Error & { description?: unknown }).description;
      const detail = cause instanceof Error ? cause.message : (cause as { message?: string } | undefined)?.message;
      resolve([e.message || "connect_error", detail].filter(Boolean).join(": "));
    });
  });
}

export type LoadOptions = {
  /** Phones do what today's /join page does (REST check-in, then the socket) instead of the socket-first mix. */
  pageFlow: boolean;
  log: (line: string) => void;
};

/**
 * Replays the schedule against one server: every phone loads /join, opens its
 * socket, watches the session and checks in with whatever token the
 * teacher's console (the projector) shows at that moment.
 *
 * Phones keep their sockets open until the end, as phones on the join page
 * do (the page listens for the teacher's changes), so the server carries
 * all N connections at the peak and every broadcast reaches them.
 */
export async function runLoad(target: Target, schedule: Arrival[], o: LoadOptions): Promise<LoadRun> {
  const agent = phoneAgent();
  const sockets: ClientSocket[] = [];
  let closing = false;

  const run: Omit<LoadRun, "server" | "generator" | "finishedAt"> = {
    startedAt: 0,
    attempts: [],
    phases: { join: [], handshake: [], watch: [] },
    phaseErrors: {},
    join: { statuses: {}, wireBytes: 0, bytes: 0 },
    arrivedAt: new Map(),
    marked: new Map(),
    markedEvents: 0,
    markedTwice: new Set(),
    teacherDisconnects: 0,
    phoneDisconnects: 0,
    teacherCounts: null,
    dispatchLagMs: [],
  };

  // The teacher's console, which is also the projector that phones read the live token from.
  let liveToken: string | null = null;
  const teacher = connectSocket(target.url, target.teacherToken);
  const teacherError = await connected(teacher);
  if (teacherError) throw new Error(`${target.name}: teacher socket refused: ${teacherError}`);
  teacher.on("session:code", (p) => {
    if (p.sessionId === target.sessionId) liveToken = p.token;
  });
  teacher.on("attendance:marked", (p) => {
    if (p.sessionId !== target.sessionId) return;
    run.markedEvents += 1;
    if (run.marked.has(p.record.studentId)) run.markedTwice.add(p.record.studentId);
    else run.marked.set(p.record.studentId, now());
    if (p.counts) run.teacherCounts = p.counts;
  });
  teacher.on("disconnect", () => {
    if (!closing) run.teacherDisconnects += 1;
  });
  const watch = await teacher.timeout(ACK_TIMEOUT_MS).emitWithAck("session:watch", { sessionId: target.sessionId });
  if (!watch.ok) throw new Error(`${target.name}: teacher could not watch: ${watch.error.code}`);
  if ("code" in watch && watch.code) liveToken = watch.code.token;
  if (!liveToken) throw new Error(`${target.name}: the console got no live token`);

  function settle(a: Attempt, reply: ({ ok: true } & CheckinResult) | { ok: false; error: ErrorDto } | null, error: string | null) {
    a.ackAt = now();
    if (error || !reply) a.error = error ?? "no_reply";
    else if (reply.ok) {
      a.ok = true;
      a.alreadyCheckedIn = reply.alreadyCheckedIn;
      a.recordStudentId = reply.record?.studentId ?? null;
    } else a.error = reply.error?.code ?? "unknown";
  }

  function attempt(student: number, channel: Channel, repeat: boolean): Attempt {
    const a: Attempt = { student, channel, repeat, sentAt: now(), ackAt: null, ok: false, alreadyCheckedIn: null, error: null, recordStudentId: null };
    run.attempts.push(a);
    return a;
  }

  async function viaSocket(socket: ClientSocket, student: number, token: string, repeat: boolean): Promise<void> {
    const a = attempt(student, "socket", repeat);
    try {
      settle(a, await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("attendance:checkin", { token }), null);
    } catch {
      settle(a, null, "ack_timeout");
    }
  }

  async function viaRest(student: number, token: string, cookie: string, repeat: boolean): Promise<void> {
    const a = attempt(student, "rest", repeat);
    try {
      const r = await request(`${target.url}/api/checkin`, {
        method: "POST",
        agent,
        headers: { authorization: `Bearer ${target.studentTokens[student]}`, cookie, "accept-encoding": "gzip" },
        body: { token },
        timeoutMs: ACK_TIMEOUT_MS,
      });
      const body = r.json as (CheckinResult & { error?: ErrorDto }) | null;
      if (r.status === 200 || r.status === 201) settle(a, { ok: true, ...(body as CheckinResult) }, null);
      else settle(a, null, body?.error?.code ?? `http_${r.status}`);
    } catch (e) {
      settle(a, null, `http_error:${(e as Error).message}`);
    }
  }

  async function loadPage(cookie: string): Promise<void> {
    const t = now();
    try {
      const page = await request(`${target.url}/join`, { agent, headers: { cookie, "accept-encoding": "gzip" }, timeoutMs: ACK_TIMEOUT_MS });
      run.phases.join.push(now() - t);
      bump(run.join.statuses, String(page.status));
      run.join.wireBytes = page.wireBytes;
      run.join.bytes = page.body.length;
    } catch (e) {
      bump(run.phaseErrors, `join:${(e as Error).message}`);
    }
  }

  /** Handshake and session:watch; null when the handshake was refused or timed out. */
  async function openSocket(student: number, cookie: string): Promise<{ socket: ClientSocket; refused: string | null }> {
    let t = now();
    const socket = connectSocket(target.url, target.studentTokens[student], cookie);
    sockets.push(socket);
    const refused = await connected(socket);
    if (refused !== null) {
      bump(run.phaseErrors, `handshake:${refused}`);
      return { socket, refused };
    }
    run.phases.handshake.push(now() - t);
    socket.on("disconnect", () => {
      if (!closing) run.phoneDisconnects += 1;
    });
    t = now();
    try {
      const reply = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("session:watch", { sessionId: target.sessionId });
      if (reply.ok) run.phases.watch.push(now() - t);
      else bump(run.phaseErrors, `watch:${reply.error.code}`);
    } catch {
      bump(run.phaseErrors, "watch:ack_timeout");
    }
    return { socket, refused: socket.connected ? null : "disconnected" };
  }

  /** The first check-in over the phone's channel and, for a double tap, a second one at once over the other. */
  async function checkInBoth(a: Arrival, cookie: string, socket: ClientSocket | null, refused: string | null): Promise<void> {
    const token = liveToken!;
    const sends: Promise<void>[] = [];
    const send = (channel: Channel, repeat: boolean) => {
      if (channel === "rest") sends.push(viaRest(a.student, token, cookie, repeat));
      else if (socket && refused === null) sends.push(viaSocket(socket, a.student, token, repeat));
      else if (!repeat) settle(attempt(a.student, "socket", repeat), null, `handshake:${refused ?? "no socket"}`);
    };
    send(a.channel, false);
    if (a.doubleTap) send(a.channel === "rest" && !o.pageFlow ? "socket" : "rest", true);
    await Promise.all(sends);
  }

  async function phone(a: Arrival): Promise<void> {
    // Each phone has its own long-lived device cookie, as a phone that used Rollcall before would.
    const cookie = `rollcall_device=${randomBytes(18).toString("base64url")}`;
    run.arrivedAt.set(a.student, now());
    await loadPage(cookie);
    if (o.pageFlow) {
      // Today's /join page: check in over REST, then open the socket for live updates.
      await checkInBoth({ ...a, channel: "rest" }, cookie, null, null);
      await openSocket(a.student, cookie);
      return;
    }
    const { socket, refused } = await openSocket(a.student, cookie);
    await checkInBoth(a, cookie, socket, refused);
  }

  // Every check-in is an fsync: start on a flushed disk, so the kernel is not still writing back what seeding (or the
  // previous server) left dirty while the minute is measured.
  flushDisk();
  const eld = monitorEventLoopDelay({ resolution: 5 });
  let rssPeak = 0;
  const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 100);
  await request(`${target.url}${STATS_PATH}?reset=1`);
  eld.enable();
  const cpu = process.cpuUsage();

  run.startedAt = now() + 20;
  let dispatched = 0;
  await Promise.all(
    schedule.map(
      (a) =>
        new Promise<void>((resolve) => {
          setTimeout(() => {
            run.dispatchLagMs.push(now() - (run.startedAt + a.at));
            if (++dispatched % Math.max(1, Math.round(schedule.length / 5)) === 0) o.log(`  ${target.name}: ${dispatched}/${schedule.length} phones arrived`);
            phone(a).then(resolve, (err) => {
              bump(run.phaseErrors, `phone:${(err as Error).message}`);
              resolve();
            });
          }, Math.max(0, run.startedAt + a.at - now()));
        }),
    ),
  );

  // Everyone acknowledged should appear on the console; give the stragglers a moment.
  const expected = new Set(run.attempts.filter((a) => a.ok && a.recordStudentId).map((a) => a.recordStudentId!));
  const lastAck = Math.max(...run.attempts.map((a) => a.ackAt ?? 0));
  while (now() < lastAck + MARK_GRACE_MS && [...expected].some((id) => !run.marked.has(id))) await sleep(20);
  const finishedAt = now();

  eld.disable();
  clearInterval(rssTimer);
  const used = process.cpuUsage(cpu);
  const server = (await request(`${target.url}${STATS_PATH}`)).json as ServerStats;

  closing = true;
  teacher.close();
  for (const s of sockets) s.close();
  agent.destroy();

  return {
    ...run,
    finishedAt,
    server,
    generator: {
      eventLoopDelayP99Ms: eld.percentile(99) / 1e6,
      eventLoopDelayMaxMs: eld.max / 1e6,
      cpuMs: (used.user + used.system) / 1000,
      rssPeak,
    },
  };
}
