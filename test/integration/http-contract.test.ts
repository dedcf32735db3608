import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HTTP_METHODS } from "@/lib/api/route";
import { ApiClient, registerAndLogin } from "../api";
import { classroom, scalar, startSession } from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

// Issue 11, items 4, 9 and 10 over real HTTP: whatever the path, method or body type, /api answers with the
// §4 envelope and changes nothing. (e2e/hardening.spec.ts repeats the path and method checks against the
// production server, where Next's own router is in the way.)

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const anon = () => new ApiClient(server.url);

function expectEnvelope(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

async function counts() {
  const n = (t: string) => scalar(sql`SELECT count(*) FROM ${sql.raw(t)}`);
  return { users: await n("users"), courses: await n("courses"), enrollments: await n("enrollments"), records: await n("attendance_records"), audit: await n("audit_events") };
}

describe("malformed %-escapes in the path (item 4)", () => {
  it("answer 400 invalid_input before any route or auth runs", async () => {
    const { client } = await registerAndLogin(server.url, "teacher");
    for (const p of ["/api/sessions/%FF", "/api/sessions/%", "/api/sessions/%%", "/api/sessions/%ZZ", "/api/sessions/%C0%AE%C0%AE", "/api/sessions/%FF/code", "/api/courses/%E0%A4%A/sessions", "/api/nope/%FF"]) {
      expectEnvelope(await anon().get(p), 400, "invalid_input");
      expectEnvelope(await client.request("POST", p, {}), 400, "invalid_input");
    }
  });
});

describe("unknown API paths and methods (item 9)", () => {
  it("an unknown path under /api is 404 not_found, for every method", async () => {
    for (const p of ["/api", "/api/", "/api/nope", "/api/sessions/abc/nope", "/api/courses/a/b/c/d/e", "/api/health/extra"]) {
      for (const m of ["GET", "POST", "PUT", "PATCH", "DELETE"]) expectEnvelope(await anon().request(m, p, m === "GET" ? undefined : {}), 404, "not_found");
    }
  });

  it("an unsupported method is 405 method_not_allowed with Allow, and changes nothing", async () => {
    const c = await classroom(server, 1);
    const session = await startSession(c);
    const before = await counts();
    const cases: [string, string, string][] = [
      ["DELETE", "/api/health", "GET, HEAD, OPTIONS"],
      ["PUT", "/api/courses", "GET, HEAD, POST, OPTIONS"],
      ["DELETE", `/api/sessions/${session.id}`, "GET, HEAD, OPTIONS"],
      ["GET", "/api/checkin", "POST, OPTIONS"],
      ["PATCH", `/api/sessions/${session.id}/code`, "GET, HEAD, POST, OPTIONS"],
      ["GET", `/api/sessions/${session.id}/attendance/${c.students[0].user.id}`, "PATCH, OPTIONS"],
      ["DELETE", `/api/sessions/${session.id}/end`, "POST, OPTIONS"],
    ];
    for (const [method, p, allow] of cases) {
      const res = await c.teacher.client.request(method, p, method === "GET" ? undefined : {});
      expectEnvelope(res, 405, "method_not_allowed");
      expect(res.headers.get("allow"), `${method} ${p}`).toBe(allow);
    }
    const options = await c.teacher.client.request("OPTIONS", `/api/sessions/${session.id}/code`);
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
    expect(await counts()).toEqual(before);
  });

  it("every route module under app/api exports every method (a new route without methods() fails here)", async () => {
    const dir = path.resolve(__dirname, "../../app/api");
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const f = path.join(d, e);
        if (statSync(f).isDirectory()) walk(f);
        else if (e === "route.ts" && !f.includes("[...nextauth]")) files.push(f);
      }
    };
    walk(dir);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const mod = (await import(f)) as Record<string, unknown>;
      for (const m of HTTP_METHODS) expect(typeof mod[m], `${path.relative(dir, f)} ${m}`).toBe("function");
    }
  });
});

describe("content types (item 10)", () => {
  it("a JSON endpoint refuses text/plain, form and untyped bodies with 415 and changes nothing", async () => {
    const c = await classroom(server, 1);
    const session = await startSession(c);
    const [s] = c.students;
    const email = `plain-${Date.now()}@example.test`;
    const registration = JSON.stringify({ name: "Plain", email, password: "long enough pass", kind: "student" });
    const before = await counts();
    const bodies: [ApiClient, string, string, string | Uint8Array, string | undefined][] = [
      [anon(), "POST", "/api/register", registration, "text/plain"],
      [anon(), "POST", "/api/register", `name=Plain&email=${encodeURIComponent(email)}&password=long+enough+pass`, "application/x-www-form-urlencoded"],
      [anon(), "POST", "/api/register", new TextEncoder().encode(registration), undefined],
      [s.client, "POST", "/api/checkin", JSON.stringify({ code: "123456" }), "text/plain;charset=UTF-8"],
      [c.teacher.client, "PATCH", `/api/sessions/${session.id}/attendance/${s.user.id}`, "status=present", "application/x-www-form-urlencoded"],
      [c.teacher.client, "POST", `/api/sessions/${session.id}/end`, "", "text/plain"],
      [c.teacher.client, "POST", "/api/courses", JSON.stringify({ name: "Form course" }), "multipart/form-data; boundary=x"],
    ];
    for (const [client, method, p, raw, type] of bodies) {
      const res = await client.request(method, p, undefined, { raw, headers: type ? { "content-type": type } : {} });
      expectEnvelope(res, 415, "unsupported_media_type");
    }
    expect(await counts()).toEqual(before);
    // The same body as JSON is taken.
    expect((await anon().request("POST", "/api/register", undefined, { raw: registration, headers: { "content-type": "application/json; charset=utf-8" } })).status).toBe(201);
  });
});
