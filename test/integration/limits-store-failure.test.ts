import { sql } from "drizzle-orm";
import { connect } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { resetLimitState, setLimiterBackend, type Limiter } from "@/lib/limits/store";
import { retryRefusedHandshakes } from "@/lib/realtime/client";
import { SOCKET_EVENT_LIMITS } from "@/lib/realtime/event-limits";
import { emitAck, registerAndLogin } from "../api";
import { checkin, classroom, liveCode, startSession } from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

// A shared limits store that fails (the cluster's primary too busy to answer a worker's IPC call within its timeout;
// Redis gone) must not refuse a signed-in user, nor fail a request: the handshake, the socket's events and a REST
// check-in by code all go through, counted in the process's memory meanwhile, and the failure is logged once.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(() => {
  setLimiterBackend(undefined);
  vi.restoreAllMocks();
});

/** A store that answers nothing, as RateLimiterCluster does when the primary does not answer in time. */
function timingOut(calls: { n: number }): Limiter {
  const fail = async (): Promise<never> => {
    calls.n++;
    await new Promise((r) => setTimeout(r, 20));
    throw new Error("RateLimiterCluster timeout: no answer from master in time");
  };
  return { consume: fail, penalty: fail, reward: fail, get: fail, delete: fail, block: fail, points: 0 } as unknown as Limiter;
}

const storeWarnings = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.filter((c) => String(c[0]).includes("rate-limit store failed"));

describe("a failing limits store", () => {
  it("admits a signed-in user's handshake and events, and a REST check-in by code, logging the failure once", async () => {
    const c = await classroom(server, 2);
    const session = await startSession(c);
    const { code } = await liveCode(c, session.id);
    const warn = vi.spyOn(console, "warn");
    const calls = { n: 0 };
    setLimiterBackend(() => timingOut(calls));

    const [student, other] = c.students;
    const socket = await server.socket({ token: student.token });
    expect((await emitAck(socket, "user:me", {})).user.id).toBe(student.user.id);
    const viaSocket = await emitAck(socket, "attendance:checkin", { code });
    expect(viaSocket.ok, JSON.stringify(viaSocket)).toBe(true);

    const viaRest = await checkin(other.client, { code });
    expect(viaRest.status, JSON.stringify(viaRest.body)).toBe(201);
    // A wrong code is still judged as a wrong code, not a server error.
    expect((await checkin(other.client, { code: code === "000000" ? "000001" : "000000" })).body.error.code).toMatch(/^(code_not_found|code_expired)$/);

    // The store was asked, and failed: the answers above came from memory counters, with one log line.
    expect(calls.n).toBeGreaterThan(0);
    expect(storeWarnings(warn)).toHaveLength(1);
    // Refusing the unknown is still refusing: a bad token is unauthorized.
    await expect(server.socket({ token: "not-a-token" })).rejects.toThrow("unauthorized");
  });

  it("still limits meanwhile, in this process's memory", async () => {
    const { token } = await registerAndLogin(server.url, "student");
    setLimiterBackend(() => timingOut({ n: 0 }));
    for (let i = 0; i < SOCKET_EVENT_LIMITS.handshakes.points; i++) (await server.socket({ token })).disconnect();
    await expect(server.socket({ token })).rejects.toThrow("rate_limited");
  });
});

describe("a handshake the server cannot judge", () => {
  it("is refused internal_error, not unauthorized, and the page's socket asks again until it gets in", async () => {
    const { token } = await registerAndLogin(server.url, "student");
    resetLimitState();
    // The database fails to answer who this is (a real failure: the table is gone for a moment).
    await getDb().run(sql`ALTER TABLE users RENAME TO users_away`);
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    let restored = false;
    try {
      await expect(server.socket({ token })).rejects.toThrow("internal_error");

      const s = connect(server.url, { path: "/socket.io", transports: ["websocket"], auth: { token }, reconnection: false, forceNew: true });
      const refused: string[] = [];
      s.on("connect_error", (e) => refused.push(e.message));
      retryRefusedHandshakes(s, () => 0);
      const connected = new Promise<void>((resolve) => s.once("connect", () => resolve()));
      await vi.waitFor(() => expect(refused).toContain("internal_error"), { timeout: 5000 });
      await getDb().run(sql`ALTER TABLE users_away RENAME TO users`);
      restored = true;
      await connected;
      expect(refused.every((m) => m === "internal_error")).toBe(true);
      s.disconnect();
      expect(error.mock.calls.some((c) => String(c[0]).includes("unexpected error"))).toBe(true);
    } finally {
      if (!restored) await getDb().run(sql`ALTER TABLE users_away RENAME TO users`);
    }
  });

  it("signed out is still unauthorized, and never asked again", async () => {
    const s = connect(server.url, { path: "/socket.io", transports: ["websocket"], auth: {}, reconnection: false, forceNew: true });
    const refused: string[] = [];
    s.on("connect_error", (e) => refused.push(e.message));
    retryRefusedHandshakes(s, () => 0);
    await vi.waitFor(() => expect(refused).toEqual(["unauthorized"]));
    await new Promise((r) => setTimeout(r, 2500));
    expect(refused).toEqual(["unauthorized"]);
    expect(s.active).toBe(false);
  });
});
