import type { IncomingMessage, Server as HttpServer } from "node:http";
import { Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { Server, type ServerOptions, type Socket } from "socket.io";
import { z } from "zod";
import { clientAddress } from "@/lib/api/client-address";
import { deviceCookie, deviceIdFromCookies, heldScanFromCookies, isSecureConnection, parseCookies } from "@/lib/api/cookies";
import { checkIn, checkinSchema } from "@/lib/attendance/checkin";
import { newDeviceId } from "@/lib/attendance/device";
import { heldScanTime, matchingHeldScan } from "@/lib/attendance/held-scan";
import { sessionView } from "@/lib/attendance/view";
import { authenticate, sessionTokenFromCookies } from "@/lib/auth/current-user";
import { authorize, courseAccess } from "@/lib/courses/access";
import { can, type CourseAction } from "@/lib/courses/permissions";
import { AppError, asAppError } from "@/lib/errors";
import { admitEvent, admitHandshake, forgetSocket, type EventVerdict } from "@/lib/realtime/event-limits";
import { rooms, type Ack, type ClientToServerEvents, type ServerToClientEvents, type SocketData } from "@/lib/realtime/events";
import { setIo, type RollcallServer } from "@/lib/realtime/io";
import type { InterServerEvents } from "@/lib/realtime/peers";
import { presenceStore } from "@/lib/realtime/presence";
import { begin } from "./drain";
import { servedOrigins } from "./origins";

const idSchema = z.string().min(1).max(64);

/** The device id given to a browser during its handshake, for the connection middleware to pick up. */
const NEW_DEVICE = Symbol("rollcall.newDeviceId");
type HandshakeRequest = IncomingMessage & { [NEW_DEVICE]?: string };

type RollcallSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type EventName = keyof ClientToServerEvents;
const EVENTS = new Set<string>(["session:watch", "session:unwatch", "attendance:checkin", "course:watch", "user:me"] satisfies EventName[]);

/** Runs a handler and always answers the ack, with SPEC error codes on failure. */
async function replyToAck<T extends object>(ack: Ack<T> | undefined, fn: () => Promise<T> | T): Promise<void> {
  const reply = ack ?? (() => {});
  try {
    const result = await fn();
    reply({ ok: true, ...result });
  } catch (err) {
    reply({ ok: false, error: asAppError(err).toJSON() });
  }
}

/**
 * Registers a client event. Socket.IO hands the listener whatever the client
 * sent: an ack-only `emit("session:watch", cb)` arrives with the callback as
 * the payload. The ack is always the last function; a missing payload is
 * `invalid_input`. Each event is counted against the socket's and the user's
 * budgets before it runs (lib/realtime/event-limits.ts).
 */
function on<T extends object>(socket: RollcallSocket, event: EventName, handler: (payload: Record<string, unknown>) => Promise<T> | T) {
  (socket as unknown as Socket).on(event, async (...args: unknown[]) => {
    const ack = typeof args[args.length - 1] === "function" ? (args.pop() as Ack<T>) : undefined;
    // A node asked to stop waits for this event's commit and answer before it closes (server/drain.ts).
    const done = begin();
    try {
      const verdict = await admit(socket);
      if (!verdict.ok) {
        ack?.({ ok: false, error: verdict.error.toJSON() });
        if (verdict.disconnect) socket.disconnect(true);
        return;
      }
      await replyToAck(ack, () => {
        const payload = args[0];
        if (typeof payload !== "object" || payload === null) throw new AppError("invalid_input", "This event needs a payload object.");
        return handler(payload as Record<string, unknown>);
      });
    } finally {
      done();
    }
  });
}

/** The event budgets' verdict; an error of ours answers the event `internal_error` (never an unhandled rejection). */
async function admit(socket: RollcallSocket): Promise<EventVerdict> {
  try {
    return await admitEvent(socket.id, socket.data.user.id);
  } catch (err) {
    return { ok: false, error: asAppError(err), disconnect: false };
  }
}

/** A refused handshake: `connect_error`'s message is the error code, its `data` the SPEC error object. */
function refusal(error: AppError): Error {
  return Object.assign(new Error(error.code), { data: error.toJSON() });
}

/** `adapter`: how events reach the sockets of other processes and nodes (SPEC §11); Socket.IO's in-memory one alone. */
export function attachSocketServer(http: HttpServer | HttpsServer, appUrl: string, adapter?: ServerOptions["adapter"]): RollcallServer {
  const io: RollcallServer = new Server(http, {
    ...(adapter ? { adapter } : {}),
    path: "/socket.io",
    serveClient: false,
    // A lecture hall on campus Wi-Fi: be patient with slow phones before dropping them.
    pingInterval: 25_000,
    pingTimeout: 30_000,
    // Our events are small; a megabyte-sized frame is an attack, not a check-in.
    maxHttpBufferSize: 64 * 1024,
  });
  const origins = servedOrigins(appUrl, () => ({
    port: (http.address() as AddressInfo | null)?.port ?? null,
    secure: http instanceof HttpsServer,
  }));

  // One device, one student (SPEC §3) over the socket too: a signed-in browser
  // without a device id gets one in the handshake's response, as
  // `POST /api/checkin` sets it, so the page can check in over the socket it
  // opens anyway. Clients without a session cookie (scripts with a bearer
  // token) get none, as before.
  io.engine.on("initial_headers", (headers: Record<string, string>, req: HandshakeRequest) => {
    const cookie = req.headers.cookie;
    if (deviceIdFromCookies(cookie) || !sessionTokenFromCookies(parseCookies(cookie))) return;
    const id = newDeviceId();
    req[NEW_DEVICE] = id;
    // A string, not an array: the websocket upgrade writes each header as one "name: value" line.
    headers["set-cookie"] = deviceCookie(id, isSecureConnection(req));
  });

  io.use(async (socket, next) => {
    const req = socket.request;
    // Browsers always send Origin cross-site; it must be an address this server serves (never derived from Host).
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin)) return next(new Error("unauthorized"));
    try {
      const token = typeof socket.handshake.auth?.token === "string" ? socket.handshake.auth.token : null;
      const user = await authenticate({ token, authorization: req.headers.authorization, cookie: req.headers.cookie });
      // Only a missing or refused credential is "unauthorized": the page takes it as "signed out".
      if (!user) return next(new Error("unauthorized"));
      const throttled = await admitHandshake(user.id);
      if (throttled) return next(refusal(throttled));
      socket.data.user = user;
      socket.data.deviceId = (req as HandshakeRequest)[NEW_DEVICE] ?? deviceIdFromCookies(req.headers.cookie);
      // A scan held while signed out (set by REST), honoured here once the student is signed in.
      socket.data.heldScan = heldScanFromCookies(req.headers.cookie);
      socket.data.ip = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"]);
      socket.data.userAgent = req.headers["user-agent"] ?? null;
      next();
    } catch (err) {
      // Our failure (a database that did not answer), logged once: the phone may try again, it is not signed out.
      next(refusal(asAppError(err)));
    }
  });

  io.on("connection", (socket) => {
    const user = socket.data.user;

    /**
     * Joining after a permission check races with losing that permission: the
     * revocation (lib/realtime/access.ts) may run between the check and the
     * join. Checking once more after joining closes the gap.
     */
    const stillAllowed = async (userId: string, courseId: string, action: CourseAction, joined: string[]) => {
      const access = await courseAccess(userId, courseId);
      if (can(access?.role, action)) return;
      for (const room of joined) socket.leave(room);
      throw new AppError("forbidden");
    };
    socket.join(rooms.user(user.id));
    socket.on("disconnect", () => void forgetSocket(socket.id).catch(() => {}));

    // An event we do not know still gets its ack (and counts against the budget).
    (socket as unknown as Socket).onAny(async (event: string, ...args: unknown[]) => {
      if (EVENTS.has(event)) return;
      const ack = args[args.length - 1];
      const verdict = await admit(socket);
      if (typeof ack === "function") ack({ ok: false, error: (verdict.ok ? new AppError("invalid_input", `Unknown event ${String(event).slice(0, 40)}.`) : verdict.error).toJSON() });
      if (!verdict.ok && verdict.disconnect) socket.disconnect(true);
    });

    on(socket, "session:watch", async (payload) => {
      const sessionId = idSchema.parse(payload.sessionId);
      const view = await sessionView(user, sessionId);
      const student = view.role === "student";
      const joined = student
        ? [rooms.students(sessionId), ...(payload.presence === true && view.session.status === "active" ? [rooms.presence(sessionId)] : [])]
        : [rooms.staff(sessionId)];
      socket.join(joined);
      // Access revoked between the check and the join would have missed this socket: look again now that it is in.
      await stillAllowed(user.id, view.session.courseId, student ? "attendance.checkin" : "session.run", joined);
      return student ? view : { ...view, connected: await presenceStore().count(sessionId) };
    });

    on(socket, "session:unwatch", (payload) => {
      const sessionId = idSchema.parse(payload.sessionId);
      socket.leave(rooms.staff(sessionId));
      socket.leave(rooms.students(sessionId));
      socket.leave(rooms.presence(sessionId));
      return {};
    });

    on(socket, "attendance:checkin", async (payload) => {
      const parsed = checkinSchema.safeParse(payload);
      if (!parsed.success) throw new AppError("invalid_input", "Send either token or code.");
      // The held scan cannot be cleared from here (no cookies after the handshake); once the record exists,
      // the same token only ever finds it again.
      const held = matchingHeldScan(parsed.data, socket.data.heldScan, socket.data.deviceId);
      const { result, courseId } = await checkIn(parsed.data, {
        user,
        deviceId: socket.data.deviceId,
        ip: socket.data.ip,
        userAgent: socket.data.userAgent,
        scannedAt: held ? heldScanTime(held) : undefined,
      });
      // A student who checked in watches the session from this socket: it joins the student room (and, for /join,
      // the presence room) now, as `session:watch` would, so the page needs no separate watch; it asks again only
      // after a reconnect. The check-in is committed whatever happens here: access lost meanwhile only leaves the rooms.
      const sessionId = result.session.id;
      const joined = [rooms.students(sessionId), ...(payload.presence === true ? [rooms.presence(sessionId)] : [])];
      socket.join(joined);
      if (!can((await courseAccess(user.id, courseId))?.role, "attendance.checkin")) for (const room of joined) socket.leave(room);
      return result;
    });

    on(socket, "course:watch", async (payload) => {
      const courseId = idSchema.parse(payload.courseId);
      await authorize(user.id, courseId, "course.view");
      socket.join(rooms.course(courseId));
      await stillAllowed(user.id, courseId, "course.view", [rooms.course(courseId)]);
      return { courseId };
    });

    on(socket, "user:me", () => ({ user: { id: user.id, name: user.name } }));
  });

  setIo(io);
  return io;
}
