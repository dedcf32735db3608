import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, ask, connected, ensureProductionBuild, newSecret, openSocket, ROOT, startNode, startServices, tempDir, type RollcallNode, type Services } from "./harness";
import { closeDomain, newDevice, openConsole, seedHall, startSession, type Console, type Hall, type Target } from "./hall";
import { EXAMPLE, findNginx, NGINX_MISSING, startNginx, type RunningNginx } from "./nginx";
import { freePort } from "./trials";

/**
 * docs/DEPLOY.md, for real: two nodes on a throwaway PostgreSQL + Redis behind
 * nginx from the machine's packages running the documented example file.
 * Pages and the API spread over both nodes, sockets upgrade to WebSocket
 * through nginx, long-polling sockets stay on their node, and the hall keeps
 * checking in when a node dies.
 */
const nginx = findNginx();
if (!nginx && process.env.ROLLCALL_REQUIRE_NGINX === "1") throw new Error(`${NGINX_MISSING}; ROLLCALL_REQUIRE_NGINX=1`);
if (!nginx) console.log(`nginx test SKIPPED: ${NGINX_MISSING}`);

it("docs/DEPLOY.md shows the example file the test runs, word for word", () => {
  const doc = readFileSync(path.join(ROOT, "docs/DEPLOY.md"), "utf8");
  expect(doc).toContain(readFileSync(EXAMPLE, "utf8").trim());
});

describe.skipIf(!nginx)("two nodes behind nginx (docs/DEPLOY.md)", () => {
  let services: Services;
  let a: RollcallNode;
  let b: RollcallNode;
  let proxy: RunningNginx;
  let target: Target;
  let hall: Hall;
  let sessionId: string;
  let console_: Console;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    const distDir = ensureProductionBuild();
    services = await startServices({ postgres: true, redis: true });
    const scratch = tempDir("rollcall-nginx-nodes-");
    const secret = newSecret();
    target = { databaseUrl: services.databaseUrl, authSecret: secret };
    cleanups.push(() => services.stop(), () => scratch.remove(), () => closeDomain(target).catch(() => {}));
    const [pa, pb, pn] = [await freePort(), await freePort(), await freePort()];
    // As DEPLOY.md says: the address phones use is nginx's, and the nodes trust its X-Forwarded-For.
    const common = { databaseUrl: services.databaseUrl, redisUrl: services.redis!.url, authSecret: secret, distDir, trustProxy: true, appUrl: `http://127.0.0.1:${pn}` };
    [a, b] = await Promise.all([
      startNode({ ...common, name: "node-a", port: pa, databasePath: path.join(scratch.dir, "a.db") }),
      startNode({ ...common, name: "node-b", port: pb, databasePath: path.join(scratch.dir, "b.db") }),
    ]);
    cleanups.push(() => a.kill(), () => b.kill());
    proxy = await startNginx({ nodes: [`127.0.0.1:${pa}`, `127.0.0.1:${pb}`], port: pn });
    cleanups.push(() => proxy.stop());
    hall = await seedHall(target, 40);
    const front = { ...a, url: proxy.url } as RollcallNode;
    sessionId = await startSession(front, hall);
    console_ = await openConsole(front, hall, sessionId);
    cleanups.push(() => console_.close());
  }, 300_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("spreads pages and the API over both nodes", async () => {
    const nodes = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const h = await api(proxy.url, "GET", "/api/health");
      expect(h.status).toBe(200);
      expect(h.body).toMatchObject({ ok: true, db: "ok", redis: "ok" });
      nodes.add(h.body.node);
    }
    expect([...nodes].sort()).toEqual(["node-a", "node-b"].map((n) => expect.stringContaining(n)));
    const join = await fetch(`${proxy.url}/join`);
    expect(join.status).toBe(200);
    expect(await join.text()).toContain("<html");
  });

  it("upgrades sockets to WebSocket through nginx, and a check-in reaches the console", async () => {
    const student = hall.students[0];
    const s = openSocket(proxy.url, { token: student.token, deviceId: newDevice(), transports: ["websocket"] });
    await connected(s);
    expect(s.io.engine.transport.name).toBe("websocket");
    const ack = await ask(s, "attendance:checkin", { token: console_.token() });
    expect(ack).toMatchObject({ ok: true, alreadyCheckedIn: false });
    await expect.poll(() => console_.marked.has(student.id), { timeout: 10_000 }).toBe(true);
    s.close();
  });

  it("keeps long-polling sockets on their node: every one of 16 polling phones checks in", async () => {
    const phones = hall.students.slice(1, 17);
    const acks = await Promise.all(
      phones.map(async (student) => {
        const s = openSocket(proxy.url, { token: student.token, deviceId: newDevice(), transports: ["polling"] });
        try {
          await connected(s);
          // Several round trips on the one Engine.IO session: every poll must reach the node that holds it.
          for (let i = 0; i < 3; i++) expect((await ask(s, "session:watch", { sessionId })).ok).toBe(true);
          return await ask(s, "attendance:checkin", { token: console_.token() });
        } finally {
          s.close();
        }
      }),
    );
    for (const ack of acks) expect(ack).toMatchObject({ ok: true });
    await expect.poll(() => phones.every((p) => console_.marked.has(p.id)), { timeout: 10_000 }).toBe(true);
  });

  it("keeps the hall checking in through nginx when a node dies", async () => {
    await a.kill("SIGKILL");
    // The projector's token, asked for through nginx (the console may have been on the dead node).
    const code = await api(proxy.url, "GET", `/api/sessions/${sessionId}/code`, { token: hall.teacher.token });
    expect(code.status).toBe(200);
    const phones = hall.students.slice(17, 37);
    const acks = await Promise.all(
      phones.map(async (student) => {
        const s = openSocket(proxy.url, { token: student.token, deviceId: newDevice(), transports: ["websocket", "polling"], reconnection: true });
        try {
          await connected(s, 20_000);
          return await ask(s, "attendance:checkin", { token: code.body.token });
        } finally {
          s.close();
        }
      }),
    );
    for (const ack of acks) expect(ack).toMatchObject({ ok: true });
    const h = await api(proxy.url, "GET", "/api/health");
    expect(h.status).toBe(200);
    expect(h.body.node).toContain("node-b");
  });
});
