import { randomBytes } from "node:crypto";
import type http from "node:http";
import type { Socket as NetSocket } from "node:net";
import { io, type Socket } from "socket.io-client";
import type { CheckinResult, ErrorDto } from "@/lib/model/attendance";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/events";
import { request, type HttpReply } from "./http";
import { fillPath, fillValue, type HttpSpec, type Step, type VisitPlan } from "./page-plan";
import type { Channel } from "./schedule";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const ACK_TIMEOUT_MS = 30_000;

export type CheckinReply = ({ ok: true } & CheckinResult) | { ok: false; error: ErrorDto } | null;

/** Where a phone reports its check-in attempts, so the harness can count them the same way in every flow. */
export type CheckinLog = {
  send(channel: Channel, repeat: boolean): {
    /** Records the answer; returns the attempt's error code, or null when it succeeded. */
    settle(reply: CheckinReply, error: string | null): string | null;
    /** This attempt's link had expired and the phone scanned the projector again. */
    rescanned(): void;
  };
};

/** A phone whose deep link has expired scans the projector again, up to this many scans in all. */
export const MAX_SCANS = 3;

export type VisitResult = {
  /** Per step label: how long the step took (ms). */
  timings: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  requests: number;
  /** What went wrong on the way, keyed for counting ("lazy assets: GET /x.js 503"). */
  errors: string[];
  socket: ClientSocket | null;
};

/** A phone's cookies: the session it signed in with, and whatever the server sets along the way. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** Set-Cookie from a response: name=value, the attributes (path, max-age, httpOnly…) play no part on one origin. */
  absorb(setCookie: string[] | undefined): void {
    for (const c of setCookie ?? []) {
      const first = c.split(";")[0];
      const i = first.indexOf("=");
      if (i > 0) this.cookies.set(first.slice(0, i).trim(), first.slice(i + 1).trim());
    }
  }
}

/** A phone that has loaded the page before carries the cookies the server gave it then (a device id…), each a fresh random value. */
export function phoneJar(plan: VisitPlan, sessionToken: string, warm: boolean): CookieJar {
  const jar = new CookieJar();
  jar.set(plan.sessionCookie, sessionToken);
  if (warm) for (const c of plan.laterCookies) jar.set(c.name, randomBytes(c.length).toString("base64url").slice(0, c.length));
  return jar;
}

export function connectSocket(url: string, o: { token?: string; cookie?: string; path?: string; transports?: string[]; auth?: unknown; origin?: boolean }): ClientSocket {
  const headers: Record<string, string> = {};
  if (o.cookie) headers.cookie = o.cookie;
  // A browser always names its page's origin on the upgrade; the server checks it.
  if (o.origin) headers.origin = url;
  return io(url, {
    path: o.path ?? "/socket.io",
    transports: (o.transports ?? ["websocket"]) as ("websocket" | "polling")[],
    auth: (o.auth as Record<string, unknown> | null) ?? (o.token ? { token: o.token } : {}),
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
    timeout: ACK_TIMEOUT_MS,
  });
}

export function connected(socket: ClientSocket): Promise<string | null> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve(null));
    // A process that dies mid-handshake (`--kill`) closes the transport before Socket.IO's CONNECT: no connect_error follows.
    socket.io.once("close", (reason) => resolve(`closed: ${String(reason)}`));
    const timer = setTimeout(() => resolve("timeout"), ACK_TIMEOUT_MS + 5_000);
    timer.unref();
    socket.once("connect", () => clearTimeout(timer));
    socket.once("connect_error", (e) => {
      // Transport failures carry the underlying cause (a reset, a refused upgrade) in `description`.
      const cause = (e as Error & { description?: unknown }).description;
      const detail = cause instanceof Error ? cause.message : (cause as { message?: string } | undefined)?.message;
      resolve([e.message || "connect_error", detail].filter(Boolean).join(": "));
    });
  });
}

/** The TCP connection under a websocket transport (engine.io-client keeps the `ws` socket there), for its byte counters. */
export function wireOf(socket: ClientSocket): NetSocket | null {
  const transport = (socket.io as unknown as { engine?: { transport?: { ws?: { _socket?: NetSocket } } } }).engine?.transport;
  return transport?.ws?._socket ?? null;
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

export type VisitOptions = {
  url: string;
  agent: http.Agent;
  steps: Step[];
  jar: CookieJar;
  /** The QR token the phone scanned (in the deep link) and the session it belongs to. */
  token: string;
  sessionId: string;
  /** The token the projector shows now, for a phone that scans again after `code_expired`. */
  rescan: () => string;
  /** Sends the check-in twice at once, as a double tap (or the camera app and the page together) would. */
  doubleTap: boolean;
  log: CheckinLog;
  onSocket: (socket: ClientSocket) => void;
};

/**
 * One phone replays the page's steps in order: each wave of files together
 * (at most as many at a time as a browser opens connections), the check-in,
 * the socket and its messages. A failure the page could not get past (a file
 * of the page missing, a refused handshake, a refused check-in) ends the
 * visit, and counts as a failed check-in when it came before the check-in.
 */
export async function visit(o: VisitOptions): Promise<VisitResult> {
  const result: VisitResult = { timings: {}, bytesIn: 0, bytesOut: 0, requests: 0, errors: [], socket: null };
  const background: Promise<unknown>[] = [];
  let checkedIn = false;
  let wsBytes: NetSocket | null = null;
  const time = (label: string, ms: number) => {
    let key = label;
    for (let n = 2; key in result.timings; n++) key = `${label} (${n})`;
    result.timings[key] = ms;
  };
  const checkinChannel: Channel = o.steps.some((s) => s.kind === "emit" && s.checkin) ? "socket" : "rest";
  const giveUp = (why: string) => {
    result.errors.push(why);
    if (!checkedIn) o.log.send(checkinChannel, false).settle(null, `page:${why}`);
  };

  async function fetchOne(spec: HttpSpec, token = o.token): Promise<HttpReply> {
    const headers = { ...fillValue(spec.headers, o.token, o.sessionId) };
    if (headers.referer) headers.referer = fillPath(spec.headers.referer, o.token, o.sessionId).replace(/^https?:\/\/[^/]+/, o.url);
    if (headers.origin) headers.origin = o.url;
    const cookie = o.jar.header();
    if (cookie) headers.cookie = cookie;
    const reply = await request(`${o.url}${fillPath(spec.path, o.token, o.sessionId)}`, {
      method: spec.method,
      agent: o.agent,
      headers,
      body: spec.body === null ? undefined : fillValue(spec.body, token, o.sessionId),
      timeoutMs: ACK_TIMEOUT_MS,
      decode: false,
    });
    result.requests += 1;
    result.bytesIn += reply.bytesIn;
    result.bytesOut += reply.bytesOut;
    const setCookie = reply.headers["set-cookie"];
    o.jar.absorb(Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : undefined);
    return reply;
  }

  type Attempted = { error: string | null; rescanned: () => void };

  async function checkinOverHttp(spec: HttpSpec, token: string, repeat: boolean): Promise<Attempted> {
    const attempt = o.log.send("rest", repeat);
    try {
      const r = await fetchOne(spec, token);
      const body = r.json as (CheckinResult & { error?: ErrorDto }) | null;
      if ((r.status === 200 || r.status === 201) && body) return { error: attempt.settle({ ok: true, ...body }, null), rescanned: attempt.rescanned };
      return { error: attempt.settle(null, body?.error?.code ?? `http_${r.status}`), rescanned: attempt.rescanned };
    } catch (e) {
      return { error: attempt.settle(null, `http_error:${(e as Error).message}`), rescanned: attempt.rescanned };
    }
  }

  async function checkinOverSocket(socket: ClientSocket, event: string, payload: unknown, repeat: boolean): Promise<Attempted> {
    const attempt = o.log.send("socket", repeat);
    try {
      return { error: attempt.settle((await (socket.timeout(ACK_TIMEOUT_MS) as any).emitWithAck(event, payload)) as CheckinReply, null), rescanned: attempt.rescanned };
    } catch {
      return { error: attempt.settle(null, "ack_timeout"), rescanned: attempt.rescanned };
    }
  }

  /**
   * The check-in (twice at once for a double tap). A deep link whose token has
   * expired by the time the page sends it is refused with `code_expired`; the
   * page then says "scan again", and the student scans the projector again:
   * the phone sends the check-in once more with the token shown now. Returns
   * the error of a check-in that did not succeed in the end, else null.
   */
  async function checkIn(send: (token: string, repeat: boolean) => Promise<Attempted>): Promise<string | null> {
    let token = o.token;
    for (let scan = 1; ; scan++) {
      const tries = await Promise.all(scan === 1 && o.doubleTap ? [send(token, false), send(token, true)] : [send(token, false)]);
      if (tries.some((t) => t.error === null)) return null;
      const expired = tries.filter((t) => t.error === "code_expired");
      if (expired.length < tries.length || scan >= MAX_SCANS) return tries[0].error;
      for (const t of expired) t.rescanned();
      token = o.rescan();
    }
  }

  let socket: ClientSocket | null = null;
  for (const step of o.steps) {
    const t = performance.now();
    if (step.kind === "fetch") {
      if (step.checkin) {
        const refused = await checkIn((token, repeat) => checkinOverHttp(step.requests[0], token, repeat));
        checkedIn = true;
        time(step.label, performance.now() - t);
        // The page shows the refusal and stops there: no live updates, so no lazy files and no socket.
        if (refused) break;
        continue;
      }
      const failures: string[] = [];
      const wave = pool(step.requests, step.parallel, async (spec) => {
        try {
          const r = await fetchOne(spec);
          if (r.status !== spec.status) failures.push(`${spec.method} ${spec.path.split("?")[0]} ${r.status}`);
        } catch (e) {
          failures.push(`${spec.method} ${spec.path.split("?")[0]} ${(e as Error).message}`);
        }
      });
      if (!step.blocking) {
        background.push(wave.then(() => failures.forEach((f) => result.errors.push(`${step.label}: ${f}`))));
        continue;
      }
      await wave;
      time(step.label, performance.now() - t);
      if (failures.length) {
        giveUp(`${step.label}: ${failures[0]}`);
        break;
      }
    } else if (step.kind === "socket") {
      socket = connectSocket(o.url, { cookie: o.jar.header(), path: step.path, transports: step.transports, auth: fillValue(step.auth, o.token, o.sessionId), origin: true });
      o.onSocket(socket);
      const refused = await connected(socket);
      if (refused !== null) {
        giveUp(`handshake:${refused}`);
        break;
      }
      result.socket = socket;
      wsBytes = wireOf(socket);
      time(step.label, performance.now() - t);
    } else {
      if (!socket?.connected) {
        giveUp(`${step.event}: no socket`);
        break;
      }
      const payload = fillValue(step.payload, o.token, o.sessionId);
      if (step.checkin) {
        const s = socket;
        const refused = await checkIn((token, repeat) => checkinOverSocket(s, step.event, fillValue(step.payload, token, o.sessionId), repeat));
        checkedIn = true;
        if (refused) {
          time(step.label, performance.now() - t);
          break;
        }
      } else if (step.ack) {
        // Asked beside the check-in, not before it (the page asks who is signed in while it checks in): the
        // answer is waited for at the end of the visit, and timed on its own.
        const asked = (async () => {
          try {
            const reply = (await (socket.timeout(ACK_TIMEOUT_MS) as any).emitWithAck(step.event, payload)) as { ok: boolean; error?: ErrorDto } | null;
            if (!reply?.ok) result.errors.push(`${step.event}:${reply?.error?.code ?? "no_reply"}`);
          } catch {
            result.errors.push(`${step.event}:ack_timeout`);
          }
          time(step.label, performance.now() - t);
        })();
        background.push(asked);
        continue;
      } else {
        (socket as any).emit(step.event, payload);
      }
      time(step.label, performance.now() - t);
    }
  }
  await Promise.all(background);
  if (wsBytes) {
    result.bytesIn += wsBytes.bytesRead;
    result.bytesOut += wsBytes.bytesWritten;
  }
  return result;
}
