import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAndLogin, emitAck } from "../api";
import { startTestServer, type TestServer } from "../server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("test server", () => {
  it("serves health, a registered account and an authenticated socket", async () => {
    const res = await fetch(server.url + "/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, version: expect.any(String), db: "ok", node: expect.any(String) });
    const t = await registerAndLogin(server.url, "teacher");
    const me = await t.client.get("/api/me");
    expect(me.body.user.email).toBe(t.email);
    const s = await server.socket({ token: t.token });
    const reply = await emitAck(s, "session:watch", { sessionId: "nope" });
    expect(reply).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});
