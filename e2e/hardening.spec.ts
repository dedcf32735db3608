import { expect, test, type APIResponse } from "@playwright/test";

// Issue 11 against the production server (Next's router, the static /join, next-auth): no input gives a 5xx,
// every /api error is the §4 envelope, pages answer with the app's own 404 page.

async function expectEnvelope(res: APIResponse, status: number, code: string) {
  expect(res.status(), `${res.url()} ${await res.text()}`).toBe(status);
  expect(res.headers()["content-type"]).toMatch(/^application\/json/);
  expect(await res.json()).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

const MALFORMED = ["%FF", "%", "%%", "%ZZ", "%C0%AE%C0%AE"];

test("malformed %-escapes: API paths answer the envelope, pages the app's 404 page (item 4)", async ({ request }) => {
  for (const bad of MALFORMED) {
    await expectEnvelope(await request.get(`/api/sessions/${bad}`), 400, "invalid_input");
    await expectEnvelope(await request.post(`/api/sessions/${bad}/end`), 400, "invalid_input");
    await expectEnvelope(await request.get(`/api/auth/${bad}`), 400, "invalid_input");
    for (const page of [`/sessions/${bad}`, `/enroll/${bad}`, `/courses/${bad}`, `/sessions/${bad}/present`, `/${bad}`]) {
      const res = await request.get(page);
      expect(res.status(), page).toBe(404);
      expect(res.headers()["content-type"], page).toMatch(/^text\/html/);
      expect(await res.text(), page).toContain("Page not found");
    }
  }
});

test("unknown API paths are 404 not_found; unsupported methods 405 with Allow (item 9)", async ({ request }) => {
  await expectEnvelope(await request.get("/api/nope"), 404, "not_found");
  await expectEnvelope(await request.get("/api"), 404, "not_found");
  await expectEnvelope(await request.post("/api/sessions/abc/nope", { data: {} }), 404, "not_found");
  await expectEnvelope(await request.delete("/api/courses/a/b/c/d/e"), 404, "not_found");
  const del = await request.delete("/api/health");
  await expectEnvelope(del, 405, "method_not_allowed");
  expect(del.headers()["allow"]).toBe("GET, HEAD, OPTIONS");
  const put = await request.put("/api/checkin", { data: {} });
  await expectEnvelope(put, 405, "method_not_allowed");
  expect(put.headers()["allow"]).toBe("POST, OPTIONS");
  // next-auth's own route too.
  const authPut = await request.put("/api/auth/session", { data: {} });
  await expectEnvelope(authPut, 405, "method_not_allowed");
  expect(authPut.headers()["allow"]).toBe("GET, HEAD, POST, OPTIONS");
});

test("a JSON endpoint refuses a text/plain or form body with 415 (item 10)", async ({ request }) => {
  const email = `plain-${Date.now()}@example.test`;
  const body = JSON.stringify({ name: "Plain", email, password: "long enough pass", kind: "student" });
  await expectEnvelope(await request.post("/api/register", { data: body, headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type");
  await expectEnvelope(await request.post("/api/register", { form: { name: "Plain", email, password: "long enough pass" } }), 415, "unsupported_media_type");
  // Nothing was created: the same e-mail registers fine as JSON.
  expect((await request.post("/api/register", { data: JSON.parse(body) })).status()).toBe(201);
});

test("next-auth: a malformed callbackUrl in the link, the form or the cookie redirects to a safe page (item 5)", async ({ request, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  for (const bad of ["javascript:alert(1)", "%2F%2Fevil.example", "\\\\evil.example", "https://evil.example/x", "/%FF"]) {
    const res = await request.get(`/api/auth/signin?callbackUrl=${encodeURIComponent(bad)}`, { maxRedirects: 0 });
    expect(res.status(), bad).toBe(302);
    const location = new URL(res.headers()["location"], origin);
    expect(location.origin).toBe(origin);
    expect(location.pathname).toBe("/login");
    const target = new URL(location.searchParams.get("callbackUrl")!, origin);
    expect(target.origin, bad).toBe(origin);
    expect(target.pathname, bad).toBe("/dashboard");
  }
  // A forged callback-url cookie (next-auth would answer 500) is dropped.
  const withCookie = await request.get("/api/auth/signin", { headers: { cookie: "next-auth.callback-url=javascript:alert(1)" }, maxRedirects: 0 });
  expect(withCookie.status()).toBe(302);
  expect(withCookie.headers()["set-cookie"] ?? "").toMatch(/next-auth\.callback-url=/);
  expect(withCookie.headers()["set-cookie"] ?? "").not.toMatch(/javascript/);

  // The credentials callback with a bad callbackUrl in its body signs in and stays on this site.
  const email = `cb-${Date.now()}@example.test`;
  expect((await request.post("/api/register", { data: { name: "Callback", email, password: "long enough pass", kind: "student" } })).status()).toBe(201);
  const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
  for (const bad of ["javascript:alert(1)", "\\\\evil.example", "//evil.example"]) {
    const res = await request.post("/api/auth/callback/credentials", {
      form: { csrfToken, email, password: "long enough pass", callbackUrl: bad, json: "true" },
    });
    expect(res.status(), bad).toBe(200);
    const { url } = await res.json();
    expect(new URL(url).origin, bad).toBe(origin);
    expect(new URL(url).pathname, bad).toBe("/dashboard");
  }
});
