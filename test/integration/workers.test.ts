import { get as httpGet } from "node:http";
import { createServer } from "node:net";
import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { ApiClient, emitAck, registerAndLogin } from "../api";
import { heardEvent, listen, untilHeard, type Heard } from "../attendance-fixtures";
import { startNode, type TestNode } from "../services/nodes";
import type { ClientSocket } from "../server";

/**
 * WORKERS=2 on one port and one SQLite file, with nothing else (SPEC §11): the
 * cluster's primary relays Socket.IO's events and keeps the rate limits and
 * the presence count; long-polling finds its worker; a worker that dies is
 * replaced and the others' consoles keep their codes.
 */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** `/api/health` on a connection of its own, so the cluster may hand it to any worker. */
function health(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    httpGet(`${url}/api/health`, { agent: false }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    }).on("error", reject);
  });
}

async function workerNames(url: string, tries = 8): Promise<Set<string>> {
  const names = new Set<string>();
  for (let i = 0; i < tries; i++) names.add((await health(url)).body.node);
  return names;
}

describe("WORKERS=2 with nothing else", () => {
  let node: TestNode;

  beforeAll(async () => {
    await getDb(); // migrated here, before the workers open the file
    node = await startNode("workers", { WORKERS: "2", NODE_PORT: String(await freePort()), NODE_NAME: "" });
  }, 120_000);

  afterAll(async () => {
    await node?.stop();
  });

  const socketOn = (token: string, transports: Array<"websocket" | "polling">) =>
    new Promise<ClientSocket>((resolve, reject) => {
      const s: ClientSocket = connect(node.url, { path: "/socket.io", transports, auth: { token }, reconnection: false, forceNew: true });
      s.once("connect", () => resolve(s));
      s.once("connect_error", reject);
    });

  const codes = (heard: Heard) => heard.filter((h) => h.event === "session:code").map((h) => h.payload);

  it("serves from both workers and carries events, codes, limits and the phones count across them, over WebSocket and long-polling", async () => {
    expect((await workerNames(node.url)).size).toBe(2);

    const teacher = await registerAndLogin(node.url, "teacher");
    const course = (await teacher.client.post("/api/courses", { name: "Two workers" })).body.course;
    const students = await Promise.all(
      [0, 1, 2].map(async () => {
        const s = await registerAndLogin(node.url, "student");
        expect((await s.client.post("/api/enroll", { code: course.enrollCode })).status).toBe(201);
        return s;
      }),
    );
    const sessionId = (await teacher.client.post(`/api/courses/${course.id}/sessions`, { rotationSeconds: 5, codeRotationSeconds: 5 })).body.session.id as string;

    // Four consoles opened one after another: the cluster deals connections in turn, so both workers hold some.
    const consoles: Array<{ socket: ClientSocket; heard: Heard }> = [];
    for (let i = 0; i < 4; i++) {
      const socket = await socketOn(teacher.token, ["websocket"]);
      const heard = listen(socket);
      expect((await emitAck(socket, "session:watch", { sessionId })).ok).toBe(true);
      consoles.push({ socket, heard });
    }

    // A phone on long-polling only: every request of its session must reach the worker holding it.
    const phone = await socketOn(students[0].token, ["polling"]);
    const code = (await teacher.client.get(`/api/sessions/${sessionId}/code`)).body.code as string;
    const ack = await emitAck(phone, "attendance:checkin", { code, presence: true });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    for (const c of consoles) {
      await heardEvent(c.socket, c.heard, "attendance:marked", (p) => p.record.studentId === students[0].user.id, 3000);
      await heardEvent(c.socket, c.heard, "session:presence", (p) => p.connected === 1, 4000);
    }
    const second = await socketOn(students[1].token, ["polling", "websocket"]);
    expect((await emitAck(second, "session:watch", { sessionId, presence: true })).ok).toBe(true);
    for (const c of consoles) await heardEvent(c.socket, c.heard, "session:presence", (p) => p.connected === 2, 4000);

    // One code per window on every console, the same ones; a regeneration reaches all at once.
    // A window is 5 s; a process that missed a start signal catches up at its 10 s resync.
    for (const c of consoles) await untilHeard(c.socket, () => codes(c.heard).length >= 1, 12_000);
    const regenerated = (await teacher.client.post(`/api/sessions/${sessionId}/code`)).body;
    for (const c of consoles) await untilHeard(c.socket, () => codes(c.heard).some((x) => x.token === regenerated.token), 1500);
    for (const c of consoles) {
      const tokens = codes(c.heard).map((x) => x.token);
      expect(new Set(tokens).size, tokens.join(",")).toBe(tokens.length);
    }

    // A student's wrong codes count on both workers: each request on a connection of its own.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const guess = new ApiClient(node.url);
      guess.token = students[2].token;
      statuses.push((await guess.request("POST", "/api/checkin", { code: "000000" }, { headers: { connection: "close" } })).status);
    }
    expect(statuses.at(-1), statuses.join(",")).toBe(429);
    for (const s of [phone, second, ...consoles.map((c) => c.socket)]) s.disconnect();
  }, 60_000);

  it("replaces a worker that dies, and the consoles on the other keep getting codes", async () => {
    const before = await workerNames(node.url);
    expect(before.size).toBe(2);
    const teacher = await registerAndLogin(node.url, "teacher");
    const course = (await teacher.client.post("/api/courses", { name: "Losing a worker" })).body.course;
    const sessionId = (await teacher.client.post(`/api/courses/${course.id}/sessions`, { rotationSeconds: 5, codeRotationSeconds: 5 })).body.session.id as string;
    const consoles: Array<{ socket: ClientSocket; heard: Array<{ event: string; payload: any; at?: number }>; gone: boolean }> = [];
    for (let i = 0; i < 4; i++) {
      const socket = await socketOn(teacher.token, ["websocket"]);
      const entry: (typeof consoles)[number] = { socket, heard: listen(socket), gone: false };
      socket.onAny(() => (entry.heard.at(-1)!.at = Date.now()));
      socket.on("disconnect", () => (entry.gone = true));
      expect((await emitAck(socket, "session:watch", { sessionId })).ok).toBe(true);
      consoles.push(entry);
    }
    const victim = [...before][0];
    process.kill(Number(victim.split(":").at(-1)), "SIGKILL");
    await expect.poll(() => consoles.filter((c) => c.gone).length, { timeout: 5000 }).toBeGreaterThan(0);
    const survivors = consoles.filter((c) => !c.gone);
    expect(survivors.length).toBeGreaterThan(0);
    const seen = survivors.map((c) => codes(c.heard).length);
    const killedAt = Date.now();
    const state = () => consoles.map((c) => `${c.gone ? "gone" : "up"}:${c.heard.filter((h) => h.event === "session:code").map((x) => `${x.payload.token.slice(-4)}@${(x.at ?? 0) - killedAt}`).join("/")}`).join(" ");
    for (const [i, c] of survivors.entries()) {
      // Within a window, or the 10 s resync at worst (a busy machine may delay a timer by seconds).
      await untilHeard(c.socket, () => codes(c.heard).length > seen[i], 12_000).catch(async (e) => {
        const t = Date.now();
        const names = await workerNames(node.url, 4).catch((err) => String(err));
        throw new Error(`${e.message}; consoles ${state()}; health ${[...names].join(",")} in ${Date.now() - t} ms; node said:\n${node.output.join("").slice(-2000)}`);
      });
    }

    // Another worker takes its place.
    await expect
      .poll(async () => {
        const names = await workerNames(node.url, 6);
        return names.size === 2 && !names.has(victim);
      }, { timeout: 30_000, interval: 500 })
      .toBe(true);
    expect(node.output.join("")).toMatch(/was killed \(SIGKILL\); starting another/);
    for (const c of consoles) c.socket.disconnect();
  }, 90_000);
});
