import { AppError } from "../errors";
import { isLimiterRefusal, limiterFamily, makeLimiter, retryAfterSeconds } from "../limits/store";
import { logLimited, suppressedNote } from "../log";

/**
 * Socket events cost database reads (a `session:watch` loads the roster), so
 * each socket and each user gets a budget. A console asks for a handful of
 * events a minute; a reconnecting one a few more. Past the budget an event is
 * answered `rate_limited` without running; a socket that keeps going after
 * that is cut off, and its user's budget (kept across sockets and, with a
 * shared backend, across processes) stays spent while it reconnects.
 */
export const SOCKET_EVENT_LIMITS = {
  perSocket: { points: 30, duration: 10 },
  perUser: { points: 60, duration: 10 },
  /** Refused events a socket may send before it is disconnected. */
  strikes: { points: 20, duration: 60 },
  /** Handshakes per user: a reconnect loop is throttled too. */
  handshakes: { points: 30, duration: 60 },
} as const;

const limiters = () =>
  limiterFamily("socket-events", () => ({
    socket: makeLimiter({ keyPrefix: "sock_event", ...SOCKET_EVENT_LIMITS.perSocket, local: true }),
    user: makeLimiter({ keyPrefix: "sock_user", ...SOCKET_EVENT_LIMITS.perUser }),
    strikes: makeLimiter({ keyPrefix: "sock_strike", ...SOCKET_EVENT_LIMITS.strikes, local: true }),
    handshakes: makeLimiter({ keyPrefix: "sock_handshake", ...SOCKET_EVENT_LIMITS.handshakes }),
  }));

export type EventVerdict = { ok: true } | { ok: false; error: AppError; disconnect: boolean };

function limited(msBeforeNext: number): AppError {
  const secs = retryAfterSeconds(msBeforeNext);
  return new AppError("rate_limited", `Too many requests on this connection. Wait ${secs} seconds.`, { retryAfterSeconds: secs });
}

/** Takes one event from the socket's and the user's budgets; a refusal says whether to cut the socket off. */
export async function admitEvent(socketId: string, userId: string): Promise<EventVerdict> {
  const l = limiters();
  try {
    await l.socket.consume(socketId);
    await l.user.consume(userId);
    return { ok: true };
  } catch (e) {
    if (!isLimiterRefusal(e)) throw e;
    const strike = await l.strikes.penalty(socketId, 1);
    const disconnect = strike.consumedPoints > SOCKET_EVENT_LIMITS.strikes.points;
    logLimited(`socket-events:${userId}`, (n) => console.warn(`[rollcall] refused socket events of user ${userId} over its budget${suppressedNote(n)}`));
    if (disconnect) logLimited(`socket-flood:${userId}`, (n) => console.warn(`[rollcall] disconnected a socket of user ${userId} for flooding events${suppressedNote(n)}`));
    return { ok: false, error: limited(e.msBeforeNext), disconnect };
  }
}

/** A handshake for this user, or `rate_limited` while it reconnects in a loop. */
export async function admitHandshake(userId: string): Promise<AppError | null> {
  try {
    await limiters().handshakes.consume(userId);
    return null;
  } catch (e) {
    if (!isLimiterRefusal(e)) throw e;
    logLimited(`socket-handshakes:${userId}`, (n) => console.warn(`[rollcall] throttled socket handshakes of user ${userId}${suppressedNote(n)}`));
    return limited(e.msBeforeNext);
  }
}

/** A closed socket's own counters go (its id is never reused). */
export async function forgetSocket(socketId: string): Promise<void> {
  const l = limiters();
  await Promise.all([l.socket.delete(socketId), l.strikes.delete(socketId)]);
}
