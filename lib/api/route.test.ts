import { describe, expect, it } from "vitest";
import { z } from "zod";
import { allowHeader, assertBodyType, methods, readJson, route } from "./route";

const ctx = { params: Promise.resolve({}) };
const ok = route(async () => new Response("ok"));

function req(method: string, body?: string, headers: Record<string, string> = {}) {
  return new Request("http://x/api/thing", { method, body, headers });
}

describe("methods", () => {
  it("answers a method the route does not implement with 405, Allow and the envelope", async () => {
    const m = methods({ GET: ok, POST: ok });
    const res = await m.DELETE(req("DELETE"), ctx);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
    expect(await res.json()).toEqual({ error: { code: "method_not_allowed", message: expect.any(String) } });
    expect((await m.PUT(req("PUT"), ctx)).status).toBe(405);
  });

  it("answers HEAD with GET and OPTIONS with the Allow list", async () => {
    const m = methods({ GET: ok });
    expect(m.HEAD).toBe(ok);
    const opt = await m.OPTIONS(req("OPTIONS"), ctx);
    expect(opt.status).toBe(204);
    expect(opt.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect((await methods({ POST: ok }).HEAD(req("HEAD"), ctx)).status).toBe(405);
  });

  it("builds Allow in a fixed order", () => {
    expect(allowHeader(["PATCH", "GET"])).toBe("GET, HEAD, PATCH, OPTIONS");
    expect(allowHeader([])).toBe("OPTIONS");
  });
});

describe("body types", () => {
  it("refuses a non-JSON body with 415 before the handler runs", async () => {
    let ran = false;
    const handler = route(async () => ((ran = true), new Response("ok")));
    for (const [type, body] of [
      ["text/plain", '{"a":1}'],
      ["application/x-www-form-urlencoded", "a=1"],
      ["multipart/form-data; boundary=x", "--x--"],
      ["text/csv", "email\na@b.c"],
    ]) {
      const res = await handler(req("POST", body, { "content-type": type }), ctx);
      expect(res.status, type).toBe(415);
      expect((await res.json()).error.code).toBe("unsupported_media_type");
    }
    // A body with no Content-Type at all (a no-cors fetch of a Blob) is refused too.
    const untyped = new Request("http://x/api/thing", { method: "POST", body: new Blob(["{}"]), headers: { "content-length": "2" } });
    expect(untyped.headers.get("content-type")).toBeNull();
    expect((await handler(untyped, ctx)).status).toBe(415);
    expect(ran).toBe(false);
  });

  it("takes JSON (with parameters or +json), empty bodies, and types a route opts into", async () => {
    expect(() => assertBodyType(req("POST", "{}", { "content-type": "application/json; charset=utf-8" }))).not.toThrow();
    expect(() => assertBodyType(req("POST", "{}", { "content-type": "Application/Merge-Patch+JSON" }))).not.toThrow();
    expect(() => assertBodyType(req("POST"))).not.toThrow();
    expect(() => assertBodyType(req("GET", undefined, { "content-type": "text/plain" }))).not.toThrow();
    expect(() => assertBodyType(req("POST", "a,b", { "content-type": "text/csv; charset=utf-8" }), ["text/csv"])).not.toThrow();
    const csv = route(async (r) => new Response(await r.text()), { accept: ["text/csv"] });
    expect((await csv(req("POST", "email", { "content-type": "text/csv" }), ctx)).status).toBe(200);
  });

  it("readJson refuses other types even outside route()", async () => {
    const schema = z.object({ a: z.number() });
    await expect(readJson(req("POST", '{"a":1}', { "content-type": "text/plain" }), schema)).rejects.toMatchObject({ code: "unsupported_media_type" });
    await expect(readJson(req("POST", '{"a":1}', { "content-type": "application/json" }), schema)).resolves.toEqual({ a: 1 });
    await expect(readJson(req("POST", "{", { "content-type": "application/json" }), schema)).rejects.toMatchObject({ code: "invalid_input" });
  });
});
