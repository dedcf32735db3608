import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CODE_LIMITS, pauseSeconds } from "@/lib/attendance/limits";
import { LOGIN_LIMITS } from "@/lib/auth/login-limits";
import { REGISTER_LIMITS } from "@/lib/auth/register-limits";
import { ApiClient, registerAndLogin } from "../api";
import { checkin, classroom, enrolledStudent, liveCode, rowOf, startSession, wrongCodes, type Account } from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

// Issue 11, items 1–3: one hostile student behind the hall's NAT address cannot lock the hall out of signing
// in, typing codes or registering, while guessing stays bounded per account, per browser and per address.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

let hall = 0;
/** A fresh "lecture hall" NAT address. */
const newAddress = () => `198.51.100.${++hall}`;

/** A client behind `address` (test/api.ts sends it as the trusted proxy's X-Forwarded-For). */
function from(address: string, base?: ApiClient): ApiClient {
  const c = base ?? new ApiClient(server.url);
  c.address = address;
  return c;
}

const signIn = (client: ApiClient, email: string, password: string) => client.post("/api/token", { email, password });

describe("signing in from a shared address (item 1)", () => {
  it("200 failed sign-ins on made-up e-mails from one address, then a correct sign-in from that address succeeds", { timeout: 120_000 }, async () => {
    const nat = newAddress();
    const student = await registerAndLogin(server.url, "student");
    const attacker = from(nat);
    for (let i = 0; i < LOGIN_LIMITS.unknownEmails.points; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, (_, j) => signIn(attacker, `made-up-${i + j}@nowhere.test`, "whatever123")));
      for (const r of batch) expect(r.body.error.code).toBe("invalid_credentials");
    }
    // The next made-up e-mail from that address is refused without hashing a password…
    const more = await signIn(attacker, "made-up-again@nowhere.test", "whatever123");
    expect(more.status).toBe(429);
    expect(Number(more.headers.get("retry-after"))).toBeGreaterThan(0);
    // …while a real account signs in from the same address, on a browser it never used before.
    const res = await signIn(from(nat), student.email, student.password);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // And a wrong password for a real account is still judged (401), not refused.
    expect((await signIn(from(nat), student.email, "not my password")).status).toBe(401);
  });

  it("a locked account still signs in from a browser it used before, which lifts the lock for its other devices", async () => {
    const nat = newAddress();
    const victim = await registerAndLogin(server.url, "student");
    // The victim's own phone signed in before (registerAndLogin's client kept the cookies).
    const phone = from(nat, victim.client);
    phone.token = null;
    expect(phone.cookies.has("rollcall_trust")).toBe(true);

    const attacker = from(nat);
    for (let i = 0; i < LOGIN_LIMITS.account.points; i++) expect((await signIn(attacker, victim.email, `guess-${i}-wrong`)).status).toBe(401);
    // Locked for every browser the account does not know, even with the right password (that is the point of a lock).
    const laptop = from(newAddress());
    expect((await signIn(laptop, victim.email, victim.password)).status).toBe(429);
    expect((await signIn(attacker, victim.email, victim.password)).status).toBe(429);
    // The phone is not locked out, and its success unlocks the account.
    expect((await signIn(phone, victim.email, victim.password)).status).toBe(200);
    expect((await signIn(laptop, victim.email, victim.password)).status).toBe(200);
    // The laptop is now trusted too: the attacker's next ten guesses cannot lock it out.
    for (let i = 0; i < LOGIN_LIMITS.account.points + 2; i++) await signIn(attacker, victim.email, `again-${i}-wrong`);
    expect((await signIn(laptop, victim.email, victim.password)).status).toBe(200);
  });

  it("a trusted browser has its own budget: ten wrong passwords on it lock only it", async () => {
    const me = await registerAndLogin(server.url, "student");
    const phone = from(newAddress(), me.client);
    phone.token = null;
    for (let i = 0; i < LOGIN_LIMITS.trusted.points; i++) expect((await signIn(phone, me.email, `typo-${i}-password`)).status).toBe(401);
    expect((await signIn(phone, me.email, me.password)).status).toBe(429);
    expect((await signIn(from(newAddress()), me.email, me.password)).status).toBe(200);
  });

  it("a copied trust cookie is worthless on another browser", async () => {
    const victim = await registerAndLogin(server.url, "student");
    const attacker = from(newAddress());
    attacker.cookies.set("rollcall_trust", victim.client.cookies.get("rollcall_trust")!);
    for (let i = 0; i < LOGIN_LIMITS.account.points; i++) await signIn(attacker, victim.email, `guess-${i}-wrong`);
    expect((await signIn(attacker, victim.email, `guess-more-wrong`)).status).toBe(429);
  });
});

/** `n` students of one course, each signed in, all behind `address`. */
async function studentsBehind(address: string, enrollCode: string, n: number): Promise<Account[]> {
  const out: Account[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => enrolledStudent(server, enrollCode)));
    out.push(...batch.map((a) => ({ ...a, client: from(address, a.client) })));
  }
  return out;
}

describe("typed codes from a shared address (item 2)", () => {
  it("600 wrong codes from 60 accounts on one address, then a correct code from another student on that address succeeds", { timeout: 120_000 }, async () => {
    const nat = newAddress();
    const c = await classroom(server, 0);
    const session = await startSession(c);
    const attackers = await studentsBehind(nat, c.course.enrollCode, 60);
    const [classmate, typist] = await studentsBehind(nat, c.course.enrollCode, 2);
    const guesses = await wrongCodes(CODE_LIMITS.freeFailures);
    for (const a of attackers) {
      const replies = await Promise.all(guesses.map((code) => checkin(a.client, { code })));
      for (const r of replies) expect(r.body.error.code).toBe("code_not_found");
    }
    // Past the address's budget: the attackers' retries share a small lane, soon spent.
    const lane = await Promise.all(attackers.map((a) => checkin(a.client, { code: guesses[0] })));
    expect(lane.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(attackers.length - CODE_LIMITS.noisyRetries.points);
    // A classmate behind the same address who has not mistyped is judged as always: the right code checks in.
    const { code } = await liveCode(c, session.id);
    const res = await checkin(classmate.client, { code });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // So is one who mistyped twice (a real hall of 300 doing so makes the 600 on its own), while the attackers keep
    // their lane spent: two wrong codes of one's own are judged, and then the right one checks in.
    await Promise.all(attackers.map((a) => checkin(a.client, { code: guesses[1] })));
    for (const wrong of guesses.slice(0, CODE_LIMITS.noisyGrace)) expect((await checkin(typist.client, { code: wrong })).status).toBe(404);
    const typed = await checkin(typist.client, { code: (await liveCode(c, session.id)).code });
    expect(typed.status, JSON.stringify(typed.body)).toBe(201);
  });

  it("10 wrong codes, then the right one checks in; after an 11th wrong one, the right one waits a short pause", async () => {
    const c = await classroom(server, 2);
    const [s0, s1] = c.students.map((s) => ({ ...s, client: from(newAddress(), s.client) }));
    const session = await startSession(c);
    const guesses = await wrongCodes(CODE_LIMITS.freeFailures + 1);
    for (const code of guesses.slice(0, CODE_LIMITS.freeFailures)) expect((await checkin(s0.client, { code })).status).toBe(404);
    const { code } = await liveCode(c, session.id);
    expect((await checkin(s0.client, { code })).status).toBe(201);

    for (const g of guesses) expect((await checkin(s1.client, { code: g })).status).toBe(404);
    const paused = await checkin(s1.client, { code });
    expect(paused.status).toBe(429);
    const wait = Number(paused.headers.get("retry-after"));
    expect(wait).toBe(pauseSeconds(1));
    expect(await rowOf(session.id, s1.user.id)).toBeUndefined();
    await new Promise((r) => setTimeout(r, wait * 1000 + 100));
    expect((await checkin(s1.client, { code })).status).toBe(201);
  });

  it("past the free budget a burst is judged one at a time, and the pauses grow", async () => {
    const c = await classroom(server, 1);
    const [s] = c.students.map((x) => ({ ...x, client: from(newAddress(), x.client) }));
    await startSession(c);
    const guesses = await wrongCodes(40);
    const replies = await Promise.all(guesses.map((code) => checkin(s.client, { code })));
    expect(replies.filter((r) => r.status === 404)).toHaveLength(CODE_LIMITS.freeFailures + 1);
    expect(replies.filter((r) => r.status === 429)).toHaveLength(40 - CODE_LIMITS.freeFailures - 1);
    expect(Number((await checkin(s.client, { code: guesses[0] })).headers.get("retry-after"))).toBe(pauseSeconds(1));
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(pauseSeconds)).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it("dropping the device cookie does not dodge the student's budget; a device's budget spans its accounts", async () => {
    const c = await classroom(server, 2);
    const nat = newAddress();
    const [s0, s1] = c.students.map((x) => ({ ...x, client: from(nat, x.client) }));
    await startSession(c);
    const guesses = await wrongCodes(CODE_LIMITS.freeFailures + 1);
    for (const code of guesses) {
      s0.client.cookies.delete("rollcall_device");
      expect((await checkin(s0.client, { code })).status).toBe(404);
    }
    s0.client.cookies.delete("rollcall_device");
    expect((await checkin(s0.client, { code: guesses[0] })).status).toBe(429);
    // One phone, two accounts: the phone's budget is shared.
    const phone = s1.client.cookies.get("rollcall_device")!;
    for (const code of guesses) {
      s0.client.cookies.set("rollcall_device", phone);
      await checkin(s1.client, { code });
    }
    s0.client.cookies.set("rollcall_device", phone);
    expect((await checkin(s0.client, { code: guesses[1] })).status).toBe(429);
  });
});

describe("registration from one address (item 3)", () => {
  it("paces mass account creation from one address; another address is unaffected", { timeout: 120_000 }, async () => {
    const nat = newAddress();
    const burst = REGISTER_LIMITS.steady.points + REGISTER_LIMITS.burst.points;
    const register = (client: ApiClient, i: number) =>
      client.post("/api/register", { name: `Throwaway ${i}`, email: `throwaway-${nat}-${i}@example.test`, password: "long enough pass", kind: "student" });
    const statuses: number[] = [];
    for (let i = 0; i < burst + 5; i += 25) statuses.push(...(await Promise.all(Array.from({ length: 25 }, (_, j) => register(from(nat), i + j)))).map((r) => r.status));
    expect(statuses.filter((s) => s === 201)).toHaveLength(burst);
    const refused = await register(from(nat), 9999);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await register(from(newAddress()), 10_000)).status).toBe(201);
  });
});
