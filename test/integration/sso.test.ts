import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HELD_SCAN_COOKIE } from "@/lib/api/cookies";
import { advanceClock, now, setClockOffset } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { reloadEnv } from "@/lib/env";
import { admitRegistration } from "@/lib/auth/register-limits";
import { isAppError } from "@/lib/errors";
import { resetLimitState } from "@/lib/limits/store";
import { ApiClient, emitAck, registerAndLogin } from "../api";
import { classroom, liveCode, MIN, startSession } from "../attendance-fixtures";
import { startTestIdp, type TestAccountClaims, type TestIdp } from "../oidc-provider";
import { startTestServer, type TestServer } from "../server";
import { SsoBrowser, ssoRoundTrip } from "../sso-browser";

// Single sign-on (SPEC §13) against a real OpenID provider (oidc-provider) on a free port, through the app's
// own /api/auth routes: the button's POST, the provider's login page, the callback, the local account.
let server: TestServer;
let idp: TestIdp;
const CLIENT = { clientId: "rollcall-test", clientSecret: "integration-secret" };
let login = 0;

/** Settings change between tests (SSO_EMAIL_DOMAINS, …): the next getEnv() reads them again. */
function setEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  reloadEnv();
}

/** A person at the provider, with the claims a test chose. */
function person(claims: TestAccountClaims = {}) {
  const name = `p${++login}-${Math.random().toString(36).slice(2, 7)}`;
  const all = { email: `${name}@uni.example`, email_verified: true, name: `Person ${name}`, ...claims };
  idp.addAccount(name, all);
  return { login: name, email: all.email!, claims: all };
}

async function me(browser: SsoBrowser) {
  const res = await browser.fetch(`${server.url}/api/me`);
  return { status: res.status, body: (await res.json()) as any };
}

async function methods(browser: SsoBrowser) {
  return (await (await browser.fetch(`${server.url}/api/me/sign-in-methods`)).json()) as any;
}

/** A password sign-in through next-auth's credentials callback, as the sign-in form does: the browser gets the session cookie. */
async function passwordSignIn(browser: SsoBrowser, email: string, password: string) {
  const csrf = await (await browser.fetch(`${server.url}/api/auth/csrf`)).json();
  const res = await browser.fetch(`${server.url}/api/auth/callback/credentials`, {
    form: { csrfToken: csrf.csrfToken, email, password, callbackUrl: "/dashboard", json: "true" },
  });
  expect(res.status).toBe(200);
  expect((await res.json()).url).not.toContain("error");
}

async function usersWithEmail(email: string) {
  return getDb().all<{ id: string; kind: string; hasPassword: number }>(sql`
    SELECT id, kind, CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS "hasPassword" FROM users WHERE email_key = ${email.toLowerCase()}`);
}

beforeAll(async () => {
  server = await startTestServer();
  idp = await startTestIdp({ clients: [{ ...CLIENT, redirectUris: [`${server.url}/api/auth/callback/oidc`] }] });
  // The callback address the provider knows is this server's (APP_URL in production).
  setEnv({
    NEXTAUTH_URL: server.url,
    AUTH_OIDC_ISSUER: idp.issuer,
    AUTH_OIDC_ID: CLIENT.clientId,
    AUTH_OIDC_SECRET: CLIENT.clientSecret,
    AUTH_OIDC_NAME: "Example University",
  });
});
afterEach(() => {
  setClockOffset(0);
  setEnv({ SSO_EMAIL_DOMAINS: undefined, ALLOW_TEACHER_SIGNUP: undefined });
  idp.setOutage(false);
});
afterAll(async () => {
  await server.close();
  await idp.close();
  setEnv({ NEXTAUTH_URL: undefined, AUTH_OIDC_ISSUER: undefined, AUTH_OIDC_ID: undefined, AUTH_OIDC_SECRET: undefined, AUTH_OIDC_NAME: undefined });
});

describe("signing in with the university's account", () => {
  it("lists the configured provider next to the password one", async () => {
    const res = await fetch(`${server.url}/api/auth/providers`);
    const providers = await res.json();
    expect(Object.keys(providers).sort()).toEqual(["credentials", "oidc"]);
    expect(providers.oidc).toMatchObject({ id: "oidc", name: "Example University", callbackUrl: `${server.url}/api/auth/callback/oidc` });
  });

  it("creates a student account at the first sign-in, whose session works like a password session, and finds it again the next time", async () => {
    const p = person();
    const browser = new SsoBrowser();
    const first = await ssoRoundTrip(browser, server.url, p.login, { callbackUrl: "/dashboard" });
    expect(first.landedOn).toBe("/dashboard");
    // The provider's own page was on the way, with PKCE, state and nonce in the request.
    const authorize = browser.visited.find((u) => u.startsWith(`${idp.issuer}/auth?`))!;
    const q = new URL(authorize).searchParams;
    expect(q.get("scope")).toBe("openid email profile");
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("state")).toBeTruthy();
    expect(q.get("nonce")).toBeTruthy();

    const who = await me(browser);
    expect(who.status).toBe(200);
    expect(who.body.user).toMatchObject({ email: p.email, name: p.claims.name, kind: "student" });
    const m = await methods(browser);
    expect(m.password).toBe(false);
    expect(m.identities).toEqual([expect.objectContaining({ provider: "oidc", providerName: "Example University", email: p.email })]);
    // The token names the local account, nothing of the provider's: the same decoder as for passwords.
    const cookie = browser.cookies(server.url).get("next-auth.session-token")!;
    const { readToken } = await import("@/lib/auth/tokens");
    const claims = (await readToken(cookie)) as Record<string, unknown>;
    expect(claims.sub).toBe(who.body.user.id);
    expect(claims).not.toHaveProperty("picture");
    expect(Object.keys(claims).sort()).toEqual(["authTime", "email", "exp", "iat", "id", "jti", "kind", "name", "sub"]);

    const again = new SsoBrowser();
    await ssoRoundTrip(again, server.url, p.login);
    expect((await me(again)).body.user.id).toBe(who.body.user.id);
    expect(await usersWithEmail(p.email)).toHaveLength(1);
  });

  it("keys on the provider's subject, not the e-mail: a changed e-mail signs in to the same account", async () => {
    const p = person();
    const b1 = new SsoBrowser();
    await ssoRoundTrip(b1, server.url, p.login);
    const id = (await me(b1)).body.user.id;
    idp.addAccount(p.login, { ...p.claims, email: `renamed-${p.login}@uni.example`, email_verified: false });
    const b2 = new SsoBrowser();
    const r = await ssoRoundTrip(b2, server.url, p.login);
    expect(r.landedOn).toBe("/dashboard");
    expect((await me(b2)).body.user.id).toBe(id);
  });

  it("makes a teacher of a staff invitation's e-mail, and of a faculty or staff affiliation", async () => {
    const owner = await registerAndLogin(server.url, "teacher");
    const course = (await owner.client.post("/api/courses", { name: "Invited course" })).body.course;
    const invited = person();
    expect((await owner.client.post(`/api/courses/${course.id}/staff`, { email: invited.email, role: "ta" })).status).toBe(201);
    const b = new SsoBrowser();
    await ssoRoundTrip(b, server.url, invited.login);
    const user = (await me(b)).body.user;
    expect(user.kind).toBe("teacher");
    const staff = (await owner.client.get(`/api/courses/${course.id}/staff`)).body.staff;
    expect(staff).toContainEqual(expect.objectContaining({ userId: user.id, role: "ta", status: "active" }));

    for (const claims of [{ eduperson_affiliation: ["member", "faculty"] }, { eduperson_scoped_affiliation: "staff@uni.example" }]) {
      const p = person(claims);
      const bb = new SsoBrowser();
      await ssoRoundTrip(bb, server.url, p.login);
      expect((await me(bb)).body.user.kind, JSON.stringify(claims)).toBe("teacher");
    }
    const student = person({ eduperson_affiliation: ["student", "member"] });
    const bs = new SsoBrowser();
    await ssoRoundTrip(bs, server.url, student.login);
    expect((await me(bs)).body.user.kind).toBe("student");
  });

  it("makes a teacher of someone who chose teacher on the sign-up page, once, and only while teacher sign-up is on", async () => {
    const p = person();
    const b = new SsoBrowser();
    await ssoRoundTrip(b, server.url, p.login, { intent: { purpose: "signup", kind: "teacher" } });
    expect((await me(b)).body.user.kind).toBe("teacher");
    // The choice was used up: the cookie is gone.
    expect(b.cookies(server.url).has("rollcall_sso")).toBe(false);

    setEnv({ ALLOW_TEACHER_SIGNUP: "false" });
    const q = person();
    const bq = new SsoBrowser();
    await ssoRoundTrip(bq, server.url, q.login, { intent: { purpose: "signup", kind: "teacher" } });
    expect((await me(bq)).body.user.kind).toBe("student");
  });

  it("enrolls a new account that a class list invited, in the same step", async () => {
    const c = await classroom(server, 0);
    const p = person();
    const imported = await c.teacher.client.post(`/api/courses/${c.course.id}/roster`, { students: [{ email: p.email, studentNumber: "S-1" }] });
    expect(imported.body.invited).toBe(1);
    const b = new SsoBrowser();
    await ssoRoundTrip(b, server.url, p.login);
    const detail = (await c.teacher.client.get(`/api/courses/${c.course.id}`)).body;
    expect(detail.students).toContainEqual(expect.objectContaining({ email: p.email, status: "approved" }));
  });
});

describe("refusals, each with its page", () => {
  it("refuses an e-mail the provider does not mark verified, and creates nothing", async () => {
    const p = person({ email_verified: false });
    const r = await ssoRoundTrip(new SsoBrowser(), server.url, p.login, { callbackUrl: "/join?t=abc" });
    expect(r.landedOn).toBe(`/login/error?error=unverified_email&provider=oidc&callbackUrl=${encodeURIComponent("/join?t=abc")}`);
    expect(await usersWithEmail(p.email)).toHaveLength(0);
  });

  it("refuses a domain outside SSO_EMAIL_DOMAINS", async () => {
    setEnv({ SSO_EMAIL_DOMAINS: "example.edu, cs.example.edu" });
    const p = person();
    const r = await ssoRoundTrip(new SsoBrowser(), server.url, p.login);
    expect(r.landedOn).toBe("/login/error?error=domain_not_allowed&provider=oidc&domain=uni.example");
    expect(await usersWithEmail(p.email)).toHaveLength(0);
    const q = person({ email: `someone${login}@cs.example.edu` });
    const b = new SsoBrowser();
    expect((await ssoRoundTrip(b, server.url, q.login)).landedOn).toBe("/dashboard");
    expect((await me(b)).body.user.email).toBe(q.email);
  });

  it("refuses an e-mail that has a password account unless its domain is listed, then links it and both ways work", async () => {
    const owner = await registerAndLogin(server.url, "student", "Pat Password", `pat${Date.now()}@uni.example`);
    const p = person({ email: owner.email.toUpperCase() });
    const refused = await ssoRoundTrip(new SsoBrowser(), server.url, p.login);
    expect(refused.landedOn).toBe("/login/error?error=account_exists&provider=oidc&domain=uni.example");
    expect(await getDb().get(sql`SELECT 1 AS x FROM identities WHERE user_id = ${owner.user.id}`)).toBeUndefined();

    setEnv({ SSO_EMAIL_DOMAINS: "uni.example" });
    const b = new SsoBrowser();
    expect((await ssoRoundTrip(b, server.url, p.login)).landedOn).toBe("/dashboard");
    expect((await me(b)).body.user.id).toBe(owner.user.id);
    // The password still works, and the provider too, now keyed by its identity.
    const viaPassword = await new ApiClient(server.url).post("/api/token", { email: owner.email, password: owner.password });
    expect(viaPassword.body.user.id).toBe(owner.user.id);
    setEnv({ SSO_EMAIL_DOMAINS: undefined });
    const later = new SsoBrowser();
    await ssoRoundTrip(later, server.url, p.login);
    expect((await me(later)).body.user.id).toBe(owner.user.id);
    expect(await methods(later)).toMatchObject({ password: true, identities: [expect.objectContaining({ provider: "oidc" })] });
  });

  it("sends a cancelled sign-in and a provider that is down to their own pages", async () => {
    const p = person();
    const cancelled = await ssoRoundTrip(new SsoBrowser(), server.url, p.login, { cancel: true, callbackUrl: "/courses/x" });
    expect(cancelled.landedOn).toBe(`/login/error?error=cancelled&provider=oidc&callbackUrl=${encodeURIComponent("/courses/x")}`);

    idp.setOutage(true);
    const down = await ssoRoundTrip(new SsoBrowser(), server.url, p.login);
    expect(down.landedOn).toBe("/login/error?error=OAuthSignin&provider=oidc");
    expect(await usersWithEmail(p.email)).toHaveLength(0);
  });

  it("refuses a forged callback (no state of this browser) with the provider-error page", async () => {
    const b = new SsoBrowser();
    const { url } = await b.follow(`${server.url}/api/auth/callback/oidc?code=forged&state=forged&iss=${encodeURIComponent(idp.issuer)}`);
    expect(url).toBe(`${server.url}/login/error?error=OAuthCallback&provider=oidc`);
  });
});

describe("the account's ways to sign in", () => {
  it("links a provider to the signed-in account from the account page, refuses one linked elsewhere, and unlinks while another way remains", async () => {
    const owner = await registerAndLogin(server.url, "student");
    const b = new SsoBrowser();
    await passwordSignIn(b, owner.email, owner.password);
    expect((await me(b)).body.user.id).toBe(owner.user.id);
    // A university identity with another address: linking does not ask the e-mails to match.
    const p = person({ email: `other${login}@uni.example` });
    const linked = await ssoRoundTrip(b, server.url, p.login, { intent: { purpose: "link" }, callbackUrl: "/account?linked=oidc" });
    expect(linked.landedOn).toBe("/account?linked=oidc");
    expect((await me(b)).body.user.id).toBe(owner.user.id);
    const m = await methods(b);
    expect(m).toMatchObject({ password: true, identities: [expect.objectContaining({ provider: "oidc", email: p.email })] });

    // Signing in with that identity, anywhere, is now this account.
    const elsewhere = new SsoBrowser();
    await ssoRoundTrip(elsewhere, server.url, p.login);
    expect((await me(elsewhere)).body.user.id).toBe(owner.user.id);

    // Someone else cannot link the same identity to their account.
    const other = await registerAndLogin(server.url, "student");
    const ob = new SsoBrowser();
    await passwordSignIn(ob, other.email, other.password);
    const taken = await ssoRoundTrip(ob, server.url, p.login, { intent: { purpose: "link" }, callbackUrl: "/account" });
    expect(taken.landedOn).toBe(`/login/error?error=identity_taken&provider=oidc&callbackUrl=%2Faccount`);
    expect((await me(ob)).body.user.id).toBe(other.user.id);

    // Unlinking: the password remains, so it may go.
    const del = await b.fetch(`${server.url}/api/me/identities/${m.identities[0].id}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect((await del.json()).identities).toEqual([]);
    // That identity is now new again: its e-mail has no account, so it makes one.
    const fresh = new SsoBrowser();
    await ssoRoundTrip(fresh, server.url, p.login);
    expect((await me(fresh)).body.user.id).not.toBe(owner.user.id);
  });

  it("does not link for an intent made by someone no longer signed in on this browser", async () => {
    const owner = await registerAndLogin(server.url, "student");
    const b = new SsoBrowser();
    await passwordSignIn(b, owner.email, owner.password);
    const p = person();
    expect((await b.fetch(`${server.url}/api/sso/intent`, { json: { purpose: "link" } })).status).toBe(200);
    b.cookies(server.url).delete("next-auth.session-token"); // signed out, the intent cookie left behind
    await ssoRoundTrip(b, server.url, p.login);
    const user = (await me(b)).body.user;
    expect(user.id).not.toBe(owner.user.id);
    expect(user.email).toBe(p.email);
    // The intent API itself wants a signed-in caller for a link.
    expect((await new SsoBrowser().fetch(`${server.url}/api/sso/intent`, { json: { purpose: "link" } })).status).toBe(401);
  });

  it("keeps the last way to sign in, and sets a password on an SSO account only after a recent sign-in", async () => {
    const p = person();
    const b = new SsoBrowser();
    await ssoRoundTrip(b, server.url, p.login);
    const [identity] = (await methods(b)).identities;
    // No password yet: none matches, not even the one the server hashes for unknown e-mails.
    expect((await new ApiClient(server.url).post("/api/token", { email: p.email, password: "not-a-real-password" })).status).toBe(401);
    const last = await b.fetch(`${server.url}/api/me/identities/${identity.id}`, { method: "DELETE" });
    expect(last.status).toBe(409);
    expect((await last.json()).error.code).toBe("last_sign_in_method");

    advanceClock(16 * MIN);
    const stale = await b.fetch(`${server.url}/api/me/password`, { json: { newPassword: "a new password" } });
    expect(stale.status).toBe(403);
    expect((await stale.json()).error.code).toBe("recent_sign_in_required");
    await ssoRoundTrip(b, server.url, p.login);
    const set = await b.fetch(`${server.url}/api/me/password`, { json: { newPassword: "a new password" } });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ ok: true, changed: false });
    expect((await new ApiClient(server.url).post("/api/token", { email: p.email, password: "a new password" })).status).toBe(200);

    // Changing it asks for the current one.
    const wrong = await b.fetch(`${server.url}/api/me/password`, { json: { currentPassword: "nope", newPassword: "another password" } });
    expect((await wrong.json()).error.code).toBe("invalid_credentials");
    const changed = await b.fetch(`${server.url}/api/me/password`, { json: { currentPassword: "a new password", newPassword: "another password" } });
    expect(await changed.json()).toEqual({ ok: true, changed: true });
    // Now the identity may go: the password remains.
    expect((await b.fetch(`${server.url}/api/me/identities/${identity.id}`, { method: "DELETE" })).status).toBe(200);
  });
});

describe("sessions after single sign-on", () => {
  it("completes a held scan after the round trip to the provider, as of the scan", async () => {
    const c = await classroom(server, 0);
    const p = person();
    await c.teacher.client.post(`/api/courses/${c.course.id}/roster`, { students: [{ email: p.email }] });
    const session = await startSession(c, { lateAfterMinutes: 2 });
    const code = await liveCode(c, session.id);

    const phone = new SsoBrowser();
    const held = await phone.fetch(`${server.url}/api/checkin`, { json: { token: code.token } });
    expect(held.status).toBe(401);
    expect((await held.json()).error.held).toBe(true);
    const scannedAt = now();
    expect(phone.cookies(server.url).has(HELD_SCAN_COOKIE)).toBe(true);

    advanceClock(3 * MIN); // slower than lateAfterMinutes at the provider's page
    const back = await ssoRoundTrip(phone, server.url, p.login, { callbackUrl: `/join?t=${encodeURIComponent(code.token)}` });
    expect(back.landedOn).toBe(`/join?t=${encodeURIComponent(code.token)}`);
    expect(phone.cookies(server.url).has(HELD_SCAN_COOKIE)).toBe(true);
    const done = await phone.fetch(`${server.url}/api/checkin`, { json: { token: code.token } });
    const body = await done.json();
    expect(done.status, JSON.stringify(body)).toBe(201);
    expect(body.record).toMatchObject({ status: "present", method: "qr" });
    expect(Math.abs(Date.parse(body.record.checkedInAt) - scannedAt)).toBeLessThan(1000);
  });

  it("opens a socket with the SSO session cookie, and signing out everywhere ends it and every earlier token", async () => {
    const c = await classroom(server, 0);
    const p = person();
    await c.teacher.client.post(`/api/courses/${c.course.id}/roster`, { students: [{ email: p.email }] });
    const session = await startSession(c);
    const b = new SsoBrowser();
    await ssoRoundTrip(b, server.url, p.login);
    const cookie = b.cookieHeader(server.url);
    const socket = await server.socket({ cookie, origin: process.env.APP_URL });
    const watched = await emitAck(socket, "session:watch", { sessionId: session.id });
    expect(watched).toMatchObject({ ok: true, me: null });
    const bearer = await (await b.fetch(`${server.url}/api/me`)).json();
    const token = (await import("@/lib/auth/tokens")).issueToken(bearer.user);
    const minted = (await token).token;

    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
    const out = await b.fetch(`${server.url}/api/me/sign-out-everywhere`, { method: "POST" });
    expect(out.status).toBe(200);
    expect(await disconnected).toBe("io server disconnect");
    // This browser's cookie was cleared; a copy of it, and a bearer token from before, are refused too.
    expect(b.cookies(server.url).has("next-auth.session-token")).toBe(false);
    expect((await fetch(`${server.url}/api/me`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${minted}` } })).status).toBe(401);
    await expect(server.socket({ cookie, origin: process.env.APP_URL })).rejects.toThrow("unauthorized");
    // A new sign-in works at once.
    await ssoRoundTrip(b, server.url, p.login);
    expect((await me(b)).status).toBe(200);
  });

  it("holds new accounts to registration's limits per address, while people with an account keep signing in", async () => {
    const address = "198.51.100.77";
    const known = person();
    expect((await ssoRoundTrip(new SsoBrowser({ "x-forwarded-for": address }), server.url, known.login)).landedOn).toBe("/dashboard");
    // The address registers as fast as registration allows, until it is refused.
    let refused = false;
    for (let i = 0; i < 5000 && !refused; i++) {
      await admitRegistration(address).catch((e) => {
        if (!isAppError(e) || e.code !== "rate_limited") throw e;
        refused = true;
      });
    }
    expect(refused).toBe(true);

    const newcomer = person();
    const r = await ssoRoundTrip(new SsoBrowser({ "x-forwarded-for": address }), server.url, newcomer.login);
    expect(r.landedOn).toMatch(/^\/login\/error\?error=rate_limited&provider=oidc&retryAfter=\d+$/);
    expect(await usersWithEmail(newcomer.email)).toHaveLength(0);
    // Signing in to an account that exists makes nothing: not limited.
    const again = new SsoBrowser({ "x-forwarded-for": address });
    expect((await ssoRoundTrip(again, server.url, known.login)).landedOn).toBe("/dashboard");
    expect((await me(again)).body.user.email).toBe(known.email);
    // Another address is unaffected.
    expect((await ssoRoundTrip(new SsoBrowser({ "x-forwarded-for": "198.51.100.78" }), server.url, newcomer.login)).landedOn).toBe("/dashboard");
    resetLimitState();
  });

  it("stops answering failed callbacks from an address past its budget, without asking the provider", async () => {
    const { SSO_LIMITS } = await import("@/lib/auth/sso-limits");
    const b = new SsoBrowser();
    for (let i = 0; i < SSO_LIMITS.failuresPerAddress.points; i++) {
      await b.fetch(`${server.url}/api/auth/callback/oidc?code=x&state=y`);
    }
    const asked = idp.hits("/.well-known/openid-configuration");
    const { url } = await b.follow(`${server.url}/api/auth/callback/oidc?code=x&state=y`);
    expect(idp.hits("/.well-known/openid-configuration")).toBe(asked);
    expect(url).toMatch(/\/login\/error\?error=rate_limited&provider=oidc&retryAfter=\d+$/);
    resetLimitState();
  });
});
