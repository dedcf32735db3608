import { createHash } from "node:crypto";
import type { APIResponse } from "@playwright/test";
import { cspConsole } from "./support/csp";
import { expect, test } from "./support/fixtures";
import { startSession } from "./support/join";

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

/** The directives of a Content-Security-Policy header, by name. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(policy.split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]));
}

test("every page kind carries the security headers; static pages' inline scripts are hashed, dynamic ones nonce'd (item 6)", async ({ page, request, teacher, signIn }) => {
  const sessionId = await startSession(teacher, { title: "Headers lecture" });
  await signIn(page.context(), teacher.user);
  const kinds = [
    { path: "/", signedOut: true },
    { path: "/" },
    { path: "/join", static: true, camera: true },
    { path: "/join?t=abc.0.1.xyz", static: true, camera: true },
    { path: "/login" },
    { path: "/register" },
    { path: "/dashboard" },
    { path: `/courses/${teacher.courseId}` },
    { path: `/sessions/${sessionId}` },
    { path: `/sessions/${sessionId}/present` },
    { path: `/enroll/${teacher.enrollCode}` },
    { path: "/no-such-page", status: 404 },
  ];
  for (const kind of kinds) {
    const res = await (kind.signedOut ? request : page.request).get(kind.path);
    expect(res.status(), kind.path).toBe(kind.status ?? 200);
    const h = res.headers();
    expect(h["x-content-type-options"], kind.path).toBe("nosniff");
    expect(h["referrer-policy"], kind.path).toBe("same-origin");
    expect(h["x-frame-options"], kind.path).toBe("DENY");
    expect(h["permissions-policy"], kind.path).toContain(kind.camera ? "camera=(self)" : "camera=()");
    expect(h["strict-transport-security"], "no HSTS over plain HTTP on localhost").toBeUndefined();
    const csp = directives(h["content-security-policy"] ?? "");
    expect(csp["frame-ancestors"], kind.path).toEqual(["'none'"]);
    expect(csp["object-src"]).toEqual(["'none'"]);
    expect(csp["script-src"], kind.path).not.toContain("'unsafe-inline'");
    expect(csp["script-src"], kind.path).not.toContain("'unsafe-eval'");
    expect(csp["img-src"]).toEqual(expect.arrayContaining(["'self'", "data:"]));
    expect(csp["connect-src"]).toEqual(expect.arrayContaining(["'self'", new URL(res.url()).origin.replace(/^http/, "ws")]));
    // Every inline script of the page is allowed by a hash (prerendered pages) or carries the request's nonce.
    const html = await res.text();
    const nonce = csp["script-src"].find((v) => v.startsWith("'nonce-"))?.slice(7, -1);
    const inline = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].filter(([, attrs, body]) => body && !/\ssrc=/.test(attrs) && !/type="application\/json"/.test(attrs));
    expect(inline.length, kind.path).toBeGreaterThan(0);
    for (const [, attrs, body] of inline) {
      const hash = `'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`;
      const allowed = csp["script-src"].includes(hash) || (!!nonce && attrs.includes(`nonce="${nonce}"`));
      expect(allowed, `${kind.path}: inline script ${body.slice(0, 60)}`).toBe(true);
    }
    if (!kind.static && kind.status !== 404) expect(nonce, kind.path).toBeTruthy();
  }
  // A fresh nonce per request.
  const nonceOf = async () => directives((await page.request.get("/dashboard")).headers()["content-security-policy"])["script-src"].find((v) => v.startsWith("'nonce-"));
  expect(await nonceOf()).not.toEqual(await nonceOf());
  // API answers: nothing to render, nothing to frame.
  const api = await page.request.get("/api/health");
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
});

test("pages work under the policy in a real browser, and the console cannot be framed (item 6)", async ({ laptop, teacher, signIn, e2eApi }) => {
  const sessionId = await startSession(teacher, { title: "Framing lecture" });
  await signIn(laptop, teacher.user);
  const page = await laptop.newPage();
  const csp = cspConsole(page);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  for (const path of ["/", "/dashboard", `/courses/${teacher.courseId}`, `/sessions/${sessionId}`, `/sessions/${sessionId}/present`, "/join", "/no-such-page"]) {
    await page.goto(path, { waitUntil: "networkidle" });
  }
  // The live console connected its socket (connect-src) and shows the code and its QR (img-src data:/inline SVG).
  await page.goto(`/sessions/${sessionId}`);
  await expect(page.locator("[data-connection=connected]")).toBeVisible();
  await expect(page.getByTestId("session-code")).toHaveText(/\d{3}\s?\d{3}/);
  await page.screenshot({ path: test.info().outputPath("console-under-csp.png") });
  expect(csp).toEqual([]);
  expect(errors).toEqual([]);

  // Another site framing the console (to trick a click on "End session") gets nothing.
  const attacker = await laptop.newPage();
  await attacker.setContent(`<iframe id="victim" src="${new URL(`/sessions/${sessionId}`, page.url()).href}" width="800" height="600"></iframe>`);
  const frame = await (await attacker.waitForSelector("#victim")).contentFrame();
  await attacker.waitForTimeout(1000);
  expect(await frame!.locator("[data-testid=session-code]").count()).toBe(0);
  // The browser reported the refused framing to the server (and only that); the fixture then finds none left.
  await expect
    .poll(async () => ((await (await e2eApi.get("/__e2e/csp-reports")).json()).violations as Array<{ directive: string }>).map((v) => v.directive))
    .toContain("frame-ancestors");
  const { violations } = await (await e2eApi.get("/__e2e/csp-reports?clear")).json();
  expect(new Set(violations.map((v: { directive: string }) => v.directive))).toEqual(new Set(["frame-ancestors"]));
});
