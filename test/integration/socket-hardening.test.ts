import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SOCKET_EVENT_LIMITS } from "@/lib/realtime/event-limits";
import { resetLimitState } from "@/lib/limits/store";
import { emitAck, registerAndLogin } from "../api";
import { classroom, startSession } from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

// Issue 11 on the socket: every event is answered (item 8), a flooding socket is throttled and then cut off
// while others are served (item 11), and only the origins this server serves may connect (item 12).

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const ackOnly = (socket: any, event: string) => new Promise<any>((resolve) => socket.emit(event, (reply: any) => resolve(reply)));

describe("every event is answered (item 8)", () => {
  it("an ack-only emit, a null payload or an unknown event gets invalid_input", async () => {
    const { token } = await registerAndLogin(server.url, "student");
    const s = await server.socket({ token });
    for (const event of ["session:watch", "session:unwatch", "attendance:checkin", "course:watch"]) {
      expect(await ackOnly(s, event), event).toEqual({ ok: false, error: { code: "invalid_input", message: expect.any(String) } });
      expect((await emitAck(s, event, null)).error.code, event).toBe("invalid_input");
      expect((await emitAck(s, event, "a string")).error.code, event).toBe("invalid_input");
    }
    expect((await emitAck(s, "session:nonsense", { sessionId: "x" })).error.code).toBe("invalid_input");
    expect(s.connected).toBe(true);
  });
});

describe("per-socket and per-user event limits (item 11)", () => {
  it("a flooding socket gets rate_limited acks, then is disconnected; another user is served throughout", async () => {
    resetLimitState();
    const c = await classroom(server, 1);
    const session = await startSession(c);
    const flooder = await server.socket({ token: c.teacher.token });
    const other = await registerAndLogin(server.url, "teacher");
    const calm = await server.socket({ token: other.token });
    const disconnected = new Promise<string>((resolve) => flooder.once("disconnect", (reason) => resolve(reason)));

    const flood = Array.from({ length: 300 }, () =>
      Promise.race([emitAck(flooder, "session:watch", { sessionId: session.id }), disconnected.then(() => ({ ok: false, error: { code: "gone" } }))]),
    );
    // Meanwhile another user's events are answered as usual.
    const calmReply = await emitAck(calm, "session:watch", { sessionId: session.id });
    expect(calmReply.error.code).toBe("forbidden");
    const replies = await Promise.all(flood);
    const served = replies.filter((r) => r.ok).length;
    const limited = replies.filter((r) => r.error?.code === "rate_limited");
    // Watches admitted before the cut-off may lose their ack with the connection; none past the budget ran.
    expect(served).toBeLessThanOrEqual(SOCKET_EVENT_LIMITS.perSocket.points);
    expect(limited.length).toBeGreaterThanOrEqual(SOCKET_EVENT_LIMITS.strikes.points);
    expect(limited[0].error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await disconnected).toBe("io server disconnect");
    expect((await emitAck(calm, "course:watch", { courseId: c.course.id })).error.code).toBe("forbidden");
  });

  it("the per-user budget holds across the user's sockets", async () => {
    resetLimitState();
    const { token } = await registerAndLogin(server.url, "student");
    const sockets = await Promise.all([1, 2, 3].map(() => server.socket({ token })));
    const perSocket = SOCKET_EVENT_LIMITS.perSocket.points - 5;
    const replies = await Promise.all(sockets.flatMap((s) => Array.from({ length: perSocket }, () => emitAck(s, "session:unwatch", { sessionId: "x" }))));
    expect(replies.filter((r) => r.ok)).toHaveLength(SOCKET_EVENT_LIMITS.perUser.points);
    expect(replies.filter((r) => r.error?.code === "rate_limited")).toHaveLength(3 * perSocket - SOCKET_EVENT_LIMITS.perUser.points);
  });
});

describe("origin check (item 12)", () => {
  it("refuses an origin taken from the request's own Host (DNS rebinding's shape)", async () => {
    const { token } = await registerAndLogin(server.url, "student");
    for (const [origin, host] of [["http://evil.example", "evil.example"], ["http://evil.example:3999", "evil.example:3999"], ["null", undefined]] as const) {
      await expect(server.socket({ token, origin, headers: host ? { host } : {} }), origin).rejects.toThrow("unauthorized");
    }
  });

  it("accepts APP_URL's origin and the addresses this server answers on", async () => {
    const { token } = await registerAndLogin(server.url, "student");
    const port = new URL(server.url).port;
    for (const origin of [process.env.APP_URL!, `http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const s = await server.socket({ token, origin });
      expect(s.connected, origin).toBe(true);
      s.disconnect();
    }
    // A non-browser client sends no Origin at all.
    expect((await server.socket({ token })).connected).toBe(true);
  });
});
