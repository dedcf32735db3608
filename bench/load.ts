import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { CheckinResult, Counts, ErrorDto } from "@/lib/model/attendance";
import { phoneAgent, request } from "./http";
import type { Step, VisitPlan } from "./page-plan";
import { ACK_TIMEOUT_MS, connected, connectSocket, phoneJar, visit, wireOf, type CheckinLog, type CheckinReply, type ClientSocket } from "./phone";
import type { Arrival, Channel } from "./schedule";
import { STATS_PATH, type ServerStats } from "./server-stats";

export type Flow = "page" | "socket";

/** The page's steps for a phone with an empty cache and for one that has loaded the page before. */
export type PagePlan = { plan: VisitPlan; cold: Step[]; warm: Step[] };

/** A server under test: where it is, the live session, and one token per seeded student (its bearer token or session cookie). */
export type Target = {
  name: "rollcall" | "floor";
  url: string;
  sessionId: string;
  teacherToken: string;
  studentIds: string[];
  studentTokens: string[];
  /** Several nodes (`--nodes`): phone i reaches phoneUrls[i % n], as a load balancer would spread them; the console stays on `url`. */
  phoneUrls?: string[];
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
  /** Page flow: refused as `code_expired` (the deep link's token had expired), after which the phone scanned the projector again. */
  rescanned: boolean;
};

/** Per kind of phone: what each one sent and received on the wire over its visit, and how many HTTP requests it made. */
export type PhoneBytes = { bytesIn: number[]; bytesOut: number[]; requests: number[] };

export type LoadRun = {
  flow: Flow;
  startedAt: number;
  finishedAt: number;
  attempts: Attempt[];
  /** Per step of a phone's visit (GET /join, page assets, the check-in, socket handshake, session:watch…): how long it took, ms. */
  steps: Record<string, number[]>;
  phones: { cold: PhoneBytes; warm: PhoneBytes };
  phaseErrors: Record<string, number>;
  /** Socket flow: how GET /join answered (the page flow counts its requests in phaseErrors and phones). */
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

export type LoadOptions = {
  /** "page": every phone replays what /join does in a browser (the plan); "socket": the idealised socket-first phone. */
  flow: Flow;
  page: PagePlan | null;
  log: (line: string) => void;
  /** Where the server's figures come from when `/__bench/stats` cannot speak for it (several processes: bench/scaled.ts). */
  serverStats?: { reset(): Promise<void>; read(): Promise<ServerStats> };
  /** Told the console's socket once it is connected (to know which process holds it). */
  onTeacherSocket?: (socket: ClientSocket) => void;
  /** Runs when the minute starts (the kill-a-node option). */
  onStart?: () => void;
};

/**
 * Replays the schedule against one server. In the page flow every phone opens
 * the deep link of the QR code the projector shows at that moment and does what
 * the page does (bench/page-plan.ts). In the socket flow a phone loads /join's
 * HTML, opens its socket, watches the session and checks in with the token the
 * projector shows then, over the socket or (--rest-share) over REST.
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
    flow: o.flow,
    startedAt: 0,
    attempts: [],
    steps: {},
    phones: { cold: { bytesIn: [], bytesOut: [], requests: [] }, warm: { bytesIn: [], bytesOut: [], requests: [] } },
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
  const teacher = connectSocket(target.url, { token: target.teacherToken });
  const teacherError = await connected(teacher);
  if (teacherError) throw new Error(`${target.name}: teacher socket refused: ${teacherError}`);
  o.onTeacherSocket?.(teacher);
  const urlOf = (student: number) => (target.phoneUrls?.length ? target.phoneUrls[student % target.phoneUrls.length] : target.url);
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

  const timed = (label: string, ms: number) => (run.steps[label] ??= []).push(ms);

  function settle(a: Attempt, reply: CheckinReply, error: string | null) {
    a.ackAt = now();
    if (error || !reply) a.error = error ?? "no_reply";
    else if (reply.ok) {
      a.ok = true;
      a.alreadyCheckedIn = reply.alreadyCheckedIn;
      a.recordStudentId = reply.record?.studentId ?? null;
    } else a.error = reply.error?.code ?? "unknown";
  }

  function attempt(student: number, channel: Channel, repeat: boolean): Attempt {
    const a: Attempt = { student, channel, repeat, sentAt: now(), ackAt: null, ok: false, alreadyCheckedIn: null, error: null, recordStudentId: null, rescanned: false };
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

  async function viaRest(student: number, token: string, cookie: string, repeat: boolean, wire: { bytesIn: number; bytesOut: number }): Promise<void> {
    const a = attempt(student, "rest", repeat);
    try {
      const r = await request(`${urlOf(student)}/api/checkin`, {
        method: "POST",
        agent,
        headers: { authorization: `Bearer ${target.studentTokens[student]}`, cookie, "accept-encoding": "gzip" },
        body: { token },
        timeoutMs: ACK_TIMEOUT_MS,
      });
      wire.bytesIn += r.bytesIn;
      wire.bytesOut += r.bytesOut;
      const body = r.json as (CheckinResult & { error?: ErrorDto }) | null;
      if (r.status === 200 || r.status === 201) settle(a, { ok: true, ...(body as CheckinResult) }, null);
      else settle(a, null, body?.error?.code ?? `http_${r.status}`);
    } catch (e) {
      settle(a, null, `http_error:${(e as Error).message}`);
    }
  }

  async function loadPage(student: number, cookie: string): Promise<{ bytesIn: number; bytesOut: number }> {
    const t = now();
    try {
      const page = await request(`${urlOf(student)}/join`, { agent, headers: { cookie, "accept-encoding": "gzip" }, timeoutMs: ACK_TIMEOUT_MS });
      timed("GET /join", now() - t);
      bump(run.join.statuses, String(page.status));
      run.join.wireBytes = page.wireBytes;
      run.join.bytes = page.body.length;
      return { bytesIn: page.bytesIn, bytesOut: page.bytesOut };
    } catch (e) {
      bump(run.phaseErrors, `join:${(e as Error).message}`);
      return { bytesIn: 0, bytesOut: 0 };
    }
  }

  /** Handshake and session:watch; null when the handshake was refused or timed out. */
  async function openSocket(student: number, cookie: string): Promise<{ socket: ClientSocket; refused: string | null }> {
    let t = now();
    const socket = connectSocket(urlOf(student), { token: target.studentTokens[student], cookie });
    watchSocket(socket);
    const refused = await connected(socket);
    if (refused !== null) {
      bump(run.phaseErrors, `handshake:${refused}`);
      return { socket, refused };
    }
    timed("socket handshake", now() - t);
    t = now();
    try {
      const reply = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("session:watch", { sessionId: target.sessionId });
      if (reply.ok) timed("session:watch", now() - t);
      else bump(run.phaseErrors, `watch:${reply.error.code}`);
    } catch {
      bump(run.phaseErrors, "watch:ack_timeout");
    }
    return { socket, refused: socket.connected ? null : "disconnected" };
  }

  /** The first check-in over the phone's channel and, for a double tap, a second one at once over the other. */
  async function checkInBoth(a: Arrival, cookie: string, socket: ClientSocket | null, refused: string | null, wire: { bytesIn: number; bytesOut: number }): Promise<void> {
    const token = liveToken!;
    const sends: Promise<void>[] = [];
    const send = (channel: Channel, repeat: boolean) => {
      if (channel === "rest") sends.push(viaRest(a.student, token, cookie, repeat, wire));
      else if (socket && refused === null) sends.push(viaSocket(socket, a.student, token, repeat));
      else if (!repeat) settle(attempt(a.student, "socket", repeat), null, `handshake:${refused ?? "no socket"}`);
    };
    send(a.channel, false);
    if (a.doubleTap) send(a.channel === "rest" ? "socket" : "rest", true);
    await Promise.all(sends);
  }

  function watchSocket(socket: ClientSocket): void {
    sockets.push(socket);
    socket.on("disconnect", () => {
      if (!closing) run.phoneDisconnects += 1;
    });
  }

  /** The idealised phone: /join's HTML, then socket, watch and check-in (its assets are never fetched). */
  async function socketPhone(a: Arrival): Promise<void> {
    // Each phone has its own long-lived device cookie, as a phone that used Rollcall before would.
    const cookie = `rollcall_device=${randomBytes(18).toString("base64url")}`;
    run.arrivedAt.set(a.student, now());
    const wire = await loadPage(a.student, cookie);
    const { socket, refused } = await openSocket(a.student, cookie);
    await checkInBoth(a, cookie, socket, refused, wire);
    const ws = wireOf(socket);
    // Assets are never fetched: in the bytes table these phones count as warm ones.
    run.phones.warm.bytesIn.push(wire.bytesIn + (ws?.bytesRead ?? 0));
    run.phones.warm.bytesOut.push(wire.bytesOut + (ws?.bytesWritten ?? 0));
    run.phones.warm.requests.push(a.channel === "rest" || a.doubleTap ? 2 : 1);
  }

  /** The real page: the deep link of the QR code the camera saw on arrival, then whatever the page does. */
  async function pagePhone(a: Arrival, page: PagePlan): Promise<void> {
    const token = liveToken!;
    run.arrivedAt.set(a.student, now());
    const log: CheckinLog = {
      send: (channel, repeat) => {
        const at = attempt(a.student, channel, repeat);
        return {
          settle: (reply, error) => {
            settle(at, reply, error);
            return at.error;
          },
          rescanned: () => void (at.rescanned = true),
        };
      },
    };
    const r = await visit({
      url: urlOf(a.student),
      agent,
      steps: a.cold ? page.cold : page.warm,
      jar: phoneJar(page.plan, target.studentTokens[a.student], !a.cold),
      token,
      rescan: () => liveToken!,
      sessionId: target.sessionId,
      doubleTap: a.doubleTap,
      log,
      onSocket: watchSocket,
    });
    for (const [label, ms] of Object.entries(r.timings)) timed(label, ms);
    for (const e of r.errors) bump(run.phaseErrors, e);
    const bytes = a.cold ? run.phones.cold : run.phones.warm;
    bytes.bytesIn.push(r.bytesIn);
    bytes.bytesOut.push(r.bytesOut);
    bytes.requests.push(r.requests);
  }

  const phone = (a: Arrival) => (o.flow === "page" ? pagePhone(a, o.page!) : socketPhone(a));
  if (o.flow === "page" && !o.page) throw new Error("the page flow needs the page's plan");

  // Every check-in is an fsync: start on a flushed disk, so the kernel is not still writing back what seeding (or the
  // previous server) left dirty while the minute is measured.
  flushDisk();
  const eld = monitorEventLoopDelay({ resolution: 5 });
  let rssPeak = 0;
  const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 100);
  if (o.serverStats) await o.serverStats.reset();
  else await request(`${target.url}${STATS_PATH}?reset=1`);
  eld.enable();
  const cpu = process.cpuUsage();

  run.startedAt = now() + 20;
  o.onStart?.();
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
  const server = o.serverStats ? await o.serverStats.read() : ((await request(`${target.url}${STATS_PATH}`)).json as ServerStats);

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
