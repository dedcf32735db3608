import type { IncomingMessage } from "node:http";
import { Server } from "socket.io";
import { z } from "zod";
import { asAppError, AppError } from "@/lib/api/errors";
import { authenticate, parseCookies } from "@/lib/auth/current-user";
import { checkIn, checkinSchema } from "@/lib/attendance/checkin";
import { sessionView } from "@/lib/attendance/view";
import { requireStaff } from "@/lib/courses/access";
import { DEVICE_COOKIE, isDeviceId } from "@/lib/attendance/device";
import { addressFrom } from "@/lib/api/ip";
import { rooms, type Ack } from "@/lib/realtime/events";
import { setIo, type RollcallServer } from "@/lib/realtime/io";
import type { Server as HttpServer } from "node:http";
import type { Server as HttpsServer } from "node:https";

const idSchema = z.string().min(1).max(64);

/** Same rule as HTTP requests in server/index.ts: X-Forwarded-For only behind a trusted proxy. */
function requestIp(req: IncomingMessage): string {
  const fwd = req.headers["x-forwarded-for"];
  if (process.env.TRUST_PROXY === "true" && typeof fwd === "string" && fwd) return addressFrom(fwd);
  return req.socket.remoteAddress ?? "unknown";
}

/** Browsers always send Origin cross-site; it must be our own address. Non-browser clients send none. */
function originAllowed(req: IncomingMessage, appUrl: string): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  const host = req.headers.host;
  const allowed = new Set([new URL(appUrl).origin]);
  if (host) {
    allowed.add(`http://${host}`);
    allowed.add(`https://${host}`);
  }
  return allowed.has(origin);
}

/** Runs a handler and always answers the ack, with SPEC error codes on failure. */
async function answer<T extends object>(ack: unknown, fn: () => Promise<T> | T): Promise<void> {
  const reply = typeof ack === "function" ? (ack as Ack<T>) : () => {};
  try {
    const result = await fn();
    reply({ ok: true, ...result });
  } catch (err) {
    const e = asAppError(err);
    reply({ ok: false, error: e.toJSON() });
  }
}

export function attachSocketServer(http: HttpServer | HttpsServer, appUrl: string): RollcallServer {
  const io: RollcallServer = new Server(http, {
    path: "/socket.io",
    serveClient: false,
    // A lecture hall on campus Wi-Fi: be patient with slow phones before dropping them.
    pingInterval: 25_000,
    pingTimeout: 30_000,
  });

  io.use(async (socket, next) => {
    try {
      const req = socket.request;
      if (!originAllowed(req, appUrl)) return next(new Error("unauthorized"));
      const token = typeof socket.handshake.auth?.token === "string" ? socket.handshake.auth.token : null;
      const user = await authenticate({ token, authorization: req.headers.authorization, cookie: req.headers.cookie });
      if (!user) return next(new Error("unauthorized"));
      socket.data.user = user;
      const device = parseCookies(req.headers.cookie).get(DEVICE_COOKIE);
      socket.data.deviceId = device && isDeviceId(device) ? device : null;
      socket.data.ip = requestIp(req);
      socket.data.userAgent = req.headers["user-agent"] ?? null;
      next();
    } catch {
      next(new Error("unauthorized"));
    }
  });

  io.on("connection", (socket) => {
    const user = socket.data.user;
    socket.join(rooms.user(user.id));

    socket.on("session:watch", (payload, ack) =>
      answer(ack, () => {
        const sessionId = idSchema.parse(payload?.sessionId);
        const view = sessionView(user, sessionId);
        socket.join(view.role === "student" ? rooms.students(sessionId) : rooms.staff(sessionId));
        return view;
      }),
    );

    socket.on("session:unwatch", (payload, ack) =>
      answer(ack, () => {
        const sessionId = idSchema.parse(payload?.sessionId);
        socket.leave(rooms.staff(sessionId));
        socket.leave(rooms.students(sessionId));
        return {};
      }),
    );

    socket.on("attendance:checkin", (payload, ack) =>
      answer(ack, async () => {
        const parsed = checkinSchema.safeParse(payload ?? {});
        if (!parsed.success) throw new AppError("invalid_input", "Send either token or code.");
        const { created: _created, ...result } = await checkIn(parsed.data, {
          user,
          deviceId: socket.data.deviceId,
          ip: socket.data.ip,
          userAgent: socket.data.userAgent,
        });
        void _created;
        return result;
      }),
    );

    socket.on("course:watch", (payload, ack) =>
      answer(ack, () => {
        const courseId = idSchema.parse(payload?.courseId);
        requireStaff(user.id, courseId);
        socket.join(rooms.course(courseId));
        return { courseId };
      }),
    );
  });

  setIo(io);
  return io;
}
