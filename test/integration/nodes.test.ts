import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { ApiClient, emitAck, registerAndLogin } from "../api";
import { heardEvent, listen, rows, untilHeard, type Heard } from "../attendance-fixtures";
import { redisAvailable, startRedis, type ThrowawayRedis } from "../services/redis";
import { startNode, type TestNode } from "../services/nodes";

/**
 * Two nodes on one database and one Redis (SPEC §11), as real processes: what
 * happens on one is seen on the other, the code rotates once per window on
 * both, a regeneration reaches both at once, limits and the device rule hold
 * across them, and a node that dies takes nothing with it.
 */
const hasRedis = redisAvailable();

describe.skipIf(!hasRedis)("two nodes on one database and one Redis", () => {
  let redis: ThrowawayRedis;
  let a: TestNode;
  let b: TestNode;

  beforeAll(async () => {
    redis = await startRedis();
    await getDb(); // migrated once here, before two processes open it
    [a, b] = await Promise.all([startNode("node-a", { REDIS_URL: redis.url }), startNode("node-b", { REDIS_URL: redis.url })]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  /** A teacher signed in on `teacherNode` with a course, and students registered and enrolled on `studentNode`. */
  async function setUp(teacherNode: TestNode, studentNode: TestNode, students: number, settings: Record<string, unknown> = {}) {
    const teacher = await registerAndLogin(teacherNode.url, "teacher");
    const course = (await teacher.client.post("/api/courses", { name: "Across nodes", ...settings })).body.course;
    const accounts = await Promise.all(
      Array.from({ length: students }, async () => {
        const s = await registerAndLogin(studentNode.url, "student");
        expect((await s.client.post("/api/enroll", { code: course.enrollCode })).status).toBe(201);
        return s;
      }),
    );
    return { teacher, course, students: accounts };
  }

  async function console_(node: TestNode, token: string, sessionId: string) {
    const socket = await node.socket({ token });
    const heard = listen(socket);
    const reply = await emitAck(socket, "session:watch", { sessionId });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    return { socket, heard, reply };
  }

  const codes = (heard: Heard) => heard.filter((h) => h.event === "session:code").map((h) => h.payload);

  it("answers health with its own name and Redis", async () => {
    for (const [node, name] of [
      [a, "node-a"],
      [b, "node-b"],
    ] as const) {
      const res = await new ApiClient(node.url).get("/api/health");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, version: expect.any(String), db: "ok", redis: "ok", node: name });
    }
  });

  it("carries a check-in on one node to a console on the other, pushes each window's code once on both, and a regeneration to both at once", async () => {
    const { teacher, course, students } = await setUp(b, a, 2);
    const started = await teacher.client.post(`/api/courses/${course.id}/sessions`, { rotationSeconds: 5, codeRotationSeconds: 5 });
    expect(started.status).toBe(201);
    const sessionId = started.body.session.id as string;
    const onA = await console_(a, teacher.token, sessionId);
    const onB = await console_(b, teacher.token, sessionId);

    // Another student's page on node B, watching the session's counts.
    const watching = await b.socket({ token: students[1].token });
    const watchingHeard = listen(watching);
    expect((await emitAck(watching, "session:watch", { sessionId })).ok).toBe(true);

    // A student on node A checks in over the socket; the console on node B hears it.
    const phone = await a.socket({ token: students[0].token });
    const ack = await emitAck(phone, "attendance:checkin", { code: onB.reply.code.code });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    const marked = await heardEvent(onB.socket, onB.heard, "attendance:marked", (p) => p.record.studentId === students[0].user.id);
    expect(marked.counts).toMatchObject({ present: 1, total: 2 });
    // session:stats is made by node B itself for its own students, from the database, after node A's signal.
    const stats = await heardEvent(watching, watchingHeard, "session:stats", (p) => p.counts.present === 1, 3000);
    expect(stats).toEqual({ sessionId, counts: expect.objectContaining({ present: 1, total: 2 }) });

    // Two windows: each console hears each window's code once, the same ones.
    await untilHeard(onB.socket, () => codes(onB.heard).length >= 2, 12_000);
    await untilHeard(onA.socket, () => codes(onA.heard).length >= 2, 3_000);
    for (const heard of [onA.heard, onB.heard]) {
      const tokens = codes(heard).map((c) => c.token);
      expect(new Set(tokens).size, `duplicates in ${tokens.join(", ")}`).toBe(tokens.length);
    }
    expect(codes(onA.heard).slice(0, 2).map((c) => c.token)).toEqual(codes(onB.heard).slice(0, 2).map((c) => c.token));

    // Regenerated on node A: both consoles get the new code at once, and the old one is dead on node B.
    const old = codes(onB.heard).at(-1)!;
    const before = codes(onB.heard).length;
    const regenerated = await teacher.client.post(`/api/sessions/${sessionId}/code`);
    expect(regenerated.status).toBe(200);
    const fresh = regenerated.body;
    const t0 = Date.now();
    await untilHeard(onB.socket, () => codes(onB.heard).some((c) => c.token === fresh.token), 1500);
    await untilHeard(onA.socket, () => codes(onA.heard).some((c) => c.token === fresh.token), 1500);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(codes(onB.heard).length).toBe(before + 1);
    const late = new ApiClient(b.url);
    late.token = students[1].token;
    const refused = await late.post("/api/checkin", { code: old.code });
    expect(refused.status, JSON.stringify(refused.body)).toBeGreaterThanOrEqual(400);
    expect((await late.post("/api/checkin", { code: fresh.code })).status).toBe(201);
  }, 40_000);

  it("counts a student's wrong codes across nodes and keeps one device to one student across them", async () => {
    const { teacher, course, students } = await setUp(a, a, 3);
    const sessionId = (await teacher.client.post(`/api/courses/${course.id}/sessions`, {})).body.session.id as string;
    const [guesser, first, second] = students;
    const onNode = (node: TestNode, account: { token: string }) => {
      const c = new ApiClient(node.url);
      c.token = account.token;
      return c;
    };
    // Ten wrong codes are free per student; alternating nodes, each sees only half of them.
    const guesses = [onNode(a, guesser), onNode(b, guesser)];
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await guesses[i % 2].post("/api/checkin", { code: "000000" })).status);
    expect(statuses.slice(0, 10).every((s) => s === 404 || s === 410 || s === 400), statuses.join(",")).toBe(true);
    expect(statuses.at(-1), statuses.join(",")).toBe(429);

    // One phone, one student: the device that checked in `first` on node A cannot check in `second` on node B.
    const code = (await teacher.client.get(`/api/sessions/${sessionId}/code`)).body.code as string;
    const phoneA = onNode(a, first);
    expect((await phoneA.post("/api/checkin", { code })).status).toBe(201);
    const phoneB = onNode(b, second);
    phoneB.cookies = new Map(phoneA.cookies);
    const reused = await phoneB.post("/api/checkin", { code });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe("device_already_used");
  }, 30_000);

  it("counts phones with /join open on either node for a console on either", async () => {
    const { teacher, course, students } = await setUp(a, b, 2);
    const sessionId = (await teacher.client.post(`/api/courses/${course.id}/sessions`, {})).body.session.id as string;
    const onA = await console_(a, teacher.token, sessionId);
    const phoneB = await b.socket({ token: students[0].token });
    expect((await emitAck(phoneB, "session:watch", { sessionId, presence: true })).ok).toBe(true);
    await heardEvent(onA.socket, onA.heard, "session:presence", (p) => p.connected === 1, 4000);
    const phoneA = await a.socket({ token: students[1].token });
    expect((await emitAck(phoneA, "session:watch", { sessionId, presence: true })).ok).toBe(true);
    await heardEvent(onA.socket, onA.heard, "session:presence", (p) => p.connected === 2, 4000);
    phoneB.disconnect();
    await heardEvent(onA.socket, onA.heard, "session:presence", (p) => p.connected === 1 && onA.heard.filter((h) => h.event === "session:presence").length >= 3, 4000);
  }, 30_000);

  it("takes a removed TA's and a dropped student's sockets on the other node out of the session's rooms (issue 11, item 7)", async () => {
    const { teacher, course, students } = await setUp(a, a, 2);
    const [dropped, stays] = students;
    const ta = await registerAndLogin(b.url, "teacher", "Tess Assistant");
    const added = await teacher.client.post(`/api/courses/${course.id}/staff`, { email: ta.email, role: "ta" });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const sessionId = (await teacher.client.post(`/api/courses/${course.id}/sessions`, {})).body.session.id as string;
    // The owner and the student who stays on node A; the TA and the student to be dropped hold sockets on node B.
    const owner = await console_(a, teacher.token, sessionId);
    const assistant = await console_(b, ta.token, sessionId);
    const studentOn = async (node: TestNode, account: { token: string }) => {
      const socket = await node.socket({ token: account.token });
      const heard = listen(socket);
      expect(await emitAck(socket, "session:watch", { sessionId })).toMatchObject({ ok: true, role: "student" });
      return { socket, heard };
    };
    const gone = await studentOn(b, dropped);
    const kept = await studentOn(a, stays);

    // Access is lost through node A's API.
    expect((await teacher.client.del(`/api/courses/${course.id}/staff/${added.body.member.id}`)).status).toBe(200);
    expect((await teacher.client.patch(`/api/courses/${course.id}/enrollments/${dropped.user.id}`, { status: "dropped" })).status).toBe(200);
    const cutTa = assistant.heard.length;
    const cutStudent = gone.heard.length;

    // A new code and a check-in reach the owner and the student who stays; nothing of the session crosses to node B's
    // sockets that lost access.
    const regenerated = await teacher.client.post(`/api/sessions/${sessionId}/code`);
    await heardEvent(owner.socket, owner.heard, "session:code", (p) => p.token === regenerated.body.token, 4000);
    const phone = new ApiClient(a.url);
    phone.token = stays.token;
    expect((await phone.post("/api/checkin", { code: regenerated.body.code })).status).toBe(201);
    await heardEvent(owner.socket, owner.heard, "attendance:marked", (p) => p.record.studentId === stays.user.id, 4000);
    await heardEvent(kept.socket, kept.heard, "session:stats", (p) => p.counts.present === 1 && p.counts.total === 1, 4000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(assistant.socket.connected && gone.socket.connected).toBe(true);
    const sessionNews = ["session:code", "attendance:marked", "attendance:flagged", "session:stats", "session:presence"];
    expect(assistant.heard.slice(cutTa).filter((h) => sessionNews.includes(h.event))).toEqual([]);
    expect(gone.heard.slice(cutStudent).filter((h) => sessionNews.includes(h.event))).toEqual([]);
  }, 30_000);

  it("loses no acknowledged check-in when a node dies mid-burst, and the console on the other keeps getting codes", async () => {
    const { teacher, course, students } = await setUp(b, a, 30);
    const sessionId = (await teacher.client.post(`/api/courses/${course.id}/sessions`, { rotationSeconds: 5, codeRotationSeconds: 5 })).body.session.id as string;
    const onB = await console_(b, teacher.token, sessionId);
    const phones = await Promise.all(students.map((s) => a.socket({ token: s.token })));
    const code = onB.reply.code.code as string;
    const acked: string[] = [];
    let firstAck!: () => void;
    const acking = new Promise<void>((resolve) => (firstAck = resolve));
    const burst = phones.map(
      (p, i) =>
        new Promise<void>((resolve) => {
          setTimeout(() => {
            if (!p.connected) return resolve();
            (p as any).emit("attendance:checkin", { code }, (reply: any) => {
              if (reply?.ok) acked.push(students[i].user.id);
              firstAck();
              resolve();
            });
            p.once("disconnect", () => resolve());
          }, i * 3);
        }),
    );
    // Killed once the burst is being answered, with the rest of it in flight.
    await acking;
    await a.kill();
    await Promise.all(burst);
    const inDb = new Set((await rows(sessionId)).map((r) => r.student_id));
    const lost = acked.filter((id) => !inDb.has(id));
    console.log(`node killed mid-burst: acked ${acked.length}, rows ${inDb.size}, lost ${lost.length}`);
    expect(lost, `acked ${acked.length}, rows ${inDb.size}`).toEqual([]);

    // The surviving node's console keeps rotating.
    const seen = codes(onB.heard).length;
    await untilHeard(onB.socket, () => codes(onB.heard).length >= seen + 1, 7_000);
    a = await startNode("node-a", { REDIS_URL: redis.url });
  }, 60_000);

  it("drains when asked to stop: check-ins it accepted commit and are answered, then its sockets close", async () => {
    const { teacher, course, students } = await setUp(b, a, 60);
    const sessionId = (await teacher.client.post(`/api/courses/${course.id}/sessions`, {})).body.session.id as string;
    const code = (await teacher.client.get(`/api/sessions/${sessionId}/code`)).body.code as string;
    const phones = await Promise.all(students.map((s) => a.socket({ token: s.token })));
    const replies: any[] = [];
    const closed = phones.map((p) => new Promise<void>((resolve) => p.once("disconnect", () => resolve())));
    let first!: () => void;
    const firstReply = new Promise<void>((resolve) => (first = resolve));
    for (const p of phones) {
      (p as any).emit("attendance:checkin", { code }, (reply: any) => {
        replies.push(reply);
        first();
      });
    }
    // Asked to stop while the burst is still being written.
    await firstReply;
    const t0 = Date.now();
    const exitCode = await a.terminate();
    await Promise.all(closed);
    console.log(`node drained in ${Date.now() - t0} ms: replies ${replies.length}, rows ${(await rows(sessionId)).length}`);
    expect(exitCode).toBe(0);
    expect(replies.length, "every check-in it accepted was answered").toBe(60);
    expect(replies.every((r) => r.ok)).toBe(true);
    expect((await rows(sessionId)).length).toBe(60);
    a = await startNode("node-a", { REDIS_URL: redis.url });
  }, 60_000);

  it("says it is unhealthy, naming Redis, while Redis does not answer, and still takes check-ins", async () => {
    const { teacher, course, students } = await setUp(b, b, 1);
    const sessionId = (await teacher.client.post(`/api/courses/${course.id}/sessions`, {})).body.session.id as string;
    const code = (await teacher.client.get(`/api/sessions/${sessionId}/code`)).body.code as string;
    redis.pause();
    try {
      const res = await new ApiClient(b.url).get("/api/health");
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ ok: false, db: "ok", redis: "error", node: "node-b" });
      // Typed codes are rate-limited in Redis: while it hangs, the limits fall back to this node's memory.
      const started = Date.now();
      const checkedIn = await students[0].client.post("/api/checkin", { code });
      expect(checkedIn.status, JSON.stringify(checkedIn.body)).toBe(201);
      expect(Date.now() - started).toBeLessThan(8000);
      // Its events could not be published meanwhile: the node says so in its log, and lives on.
      await new Promise((r) => setTimeout(r, 2500));
    } finally {
      redis.resume();
    }
    await expect.poll(async () => (await new ApiClient(b.url).get("/api/health")).status, { timeout: 10_000 }).toBe(200);
  }, 30_000);
});

describe.skipIf(!hasRedis)("starting with an unreachable Redis", () => {
  it("stops at once with one line naming it", () => {
    const root = path.resolve(__dirname, "../..");
    const r = spawnSync(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "server/start.ts")], {
      cwd: root,
      env: { ...process.env, REDIS_URL: "redis://:secret@127.0.0.1:1/0", PORT: "0" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rollcall: cannot use Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0: .*ECONNREFUSED/);
  }, 40_000);
});
