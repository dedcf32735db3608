import { test as base, expect, type APIRequestContext, type BrowserContext, type BrowserContextOptions } from "@playwright/test";
import { DEMO_PASSWORD, DEMO_TEACHER_EMAIL, demoStudentEmail, type E2EUser, type NewUserRequest } from "./accounts";

/**
 * Playwright fixtures for every spec: who the test acts as, and the browsers
 * it acts in. Accounts are made and signed in by the e2e server's test-only
 * paths (e2e/support/server-paths.ts) with the domain's own code and the
 * token a sign-in would issue, so a test pays for no password hashing and no
 * sign-in round trip unless signing in is what it tests.
 */

/** A phone: what a student holds in the lecture hall. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
  locale: "en-US",
  timezoneId: "UTC",
  userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
};

/** The teacher's laptop (and the room's projector, at this size unless a test says otherwise). */
export const LAPTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

/** The e2e server (playwright.config.ts starts it on E2E_PORT). */
export function baseURL(): string {
  return `http://localhost:${Number(process.env.E2E_PORT ?? 3210)}`;
}

/** The e2e server configured for single sign-on (E2E_PORT + 1), with its OpenID provider on the port after it. */
export function ssoBaseURL(): string {
  return `http://localhost:${Number(process.env.E2E_PORT ?? 3210) + 1}`;
}

/** The demo teacher through the REST API (bearer token), with the demo course CS101. */
export type Teacher = { user: E2EUser; api: APIRequestContext; courseId: string; enrollCode: string };

export type { E2EUser } from "./accounts";

type TestFixtures = {
  /** A seeded demo account (lib/seed/demo.ts) with a fresh token. */
  demoUser: (email: string) => Promise<E2EUser>;
  /** Demo student number n (1–30) of CS101. */
  demoStudent: (n: number) => Promise<E2EUser>;
  /** A brand-new student account; `enrollIn` (a course id) enrolls it, approved. */
  newStudent: (opts?: Omit<NewUserRequest, "kind">) => Promise<E2EUser>;
  /** Puts the user's session cookie in the browser context, as a finished sign-in would. */
  signIn: (context: BrowserContext, user: E2EUser) => Promise<void>;
  /** Signs out but keeps the browser's device cookie, like handing the phone to someone else. */
  signOut: (context: BrowserContext) => Promise<void>;
  /** A REST client acting as the user (bearer token), disposed after the test. */
  apiAs: (user: E2EUser) => Promise<APIRequestContext>;
  /** A second browser: a phone (390×844) or the teacher's laptop (1280×800), closed after the test. */
  phone: BrowserContext;
  laptop: BrowserContext;
  /** Moves the e2e server's clock; it is put back after every test, whether the test used it or not. */
  serverClock: { advance: (ms: number) => Promise<void>; reset: () => Promise<void> };
  /** Fails a test whose pages made any browser report a Content-Security-Policy violation to the server. */
  noCspViolations: void;
};

type WorkerFixtures = {
  /** Which e2e server the fixtures act on: `baseURL()`, or `ssoBaseURL()` in a spec about single sign-on (with `test.use`). */
  appURL: string;
  /** Anonymous client for the e2e server's test-only paths. */
  e2eApi: APIRequestContext;
  teacher: Teacher;
};

export const test = base.extend<TestFixtures, WorkerFixtures>({
  appURL: [baseURL(), { scope: "worker", option: true }],

  e2eApi: [
    async ({ playwright, appURL }, use) => {
      const api = await playwright.request.newContext({ baseURL: appURL });
      await use(api);
      await api.dispose();
    },
    { scope: "worker" },
  ],

  teacher: [
    async ({ e2eApi, playwright, appURL }, use) => {
      const user = await tokenFor(e2eApi, DEMO_TEACHER_EMAIL);
      const api = await playwright.request.newContext({ baseURL: appURL, extraHTTPHeaders: bearer(user) });
      const courses = (await (await api.get("/api/courses")).json()).courses as Array<{ id: string; code: string | null }>;
      const cs101 = courses.find((c) => c.code === "CS101")!;
      const detail = await (await api.get(`/api/courses/${cs101.id}`)).json();
      await use({ user, api, courseId: cs101.id, enrollCode: detail.course.enrollCode });
      await api.dispose();
    },
    { scope: "worker" },
  ],

  demoUser: async ({ e2eApi }, use) => {
    await use((email) => tokenFor(e2eApi, email));
  },

  demoStudent: async ({ demoUser }, use) => {
    await use((n) => demoUser(demoStudentEmail(n)));
  },

  newStudent: async ({ e2eApi }, use) => {
    await use(async (opts = {}) => {
      const res = await e2eApi.post("/__e2e/users", { data: { ...opts, kind: "student" } satisfies NewUserRequest });
      expect(res.status(), await res.text()).toBe(201);
      const { user, token, expiresAt, password } = await res.json();
      return { ...user, token, expiresAt, password };
    });
  },

  signIn: async ({ appURL }, use) => {
    await use(async (context, user) => {
      await context.addCookies([
        {
          name: "next-auth.session-token",
          value: user.token,
          domain: new URL(appURL).hostname,
          path: "/",
          httpOnly: true,
          sameSite: "Lax",
          expires: Math.floor(Date.parse(user.expiresAt) / 1000),
        },
      ]);
      const me = await context.request.get(`${appURL}/api/me`);
      expect(me.status(), `signed in as ${user.email}`).toBe(200);
      expect((await me.json()).user.email).toBe(user.email);
    });
  },

  signOut: async ({ appURL }, use) => {
    await use(async (context) => {
      await context.clearCookies({ name: /session-token/ });
      expect((await context.request.get(`${appURL}/api/me`)).status()).toBe(401);
    });
  },

  apiAs: async ({ playwright, appURL }, use) => {
    const made: APIRequestContext[] = [];
    await use(async (user) => {
      const api = await playwright.request.newContext({ baseURL: appURL, extraHTTPHeaders: bearer(user) });
      made.push(api);
      return api;
    });
    await Promise.all(made.map((api) => api.dispose()));
  },

  phone: async ({ browser }, use) => {
    const context = await browser.newContext({ ...PHONE });
    await use(context);
    await context.close();
  },

  laptop: async ({ browser }, use) => {
    const context = await browser.newContext({ ...LAPTOP });
    await use(context);
    await context.close();
  },

  serverClock: [
    async ({ e2eApi }, use) => {
      const move = async (query: string) => expect((await e2eApi.get(`/__e2e/clock?${query}`)).status()).toBe(200);
      await use({ advance: (ms) => move(`advanceMs=${ms}`), reset: () => move("reset") });
      // Specs share one server: a test that moved the clock must not leave later tests in the future.
      await move("reset");
    },
    { auto: true },
  ],

  noCspViolations: [
    async ({ e2eApi }, use) => {
      const reported = async (clear: boolean) =>
        ((await (await e2eApi.get(`/__e2e/csp-reports${clear ? "?clear" : ""}`)).json()) as { violations: unknown[] }).violations;
      await reported(true);
      await use();
      // Browsers send reports in the background: give the last page's a moment to arrive.
      await new Promise((r) => setTimeout(r, 300));
      expect(await reported(true), "Content-Security-Policy violations reported by this test's pages").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

async function tokenFor(e2eApi: APIRequestContext, email: string): Promise<E2EUser> {
  const res = await e2eApi.post("/__e2e/token", { data: { email } });
  expect(res.status(), await res.text()).toBe(201);
  const { user, token, expiresAt } = await res.json();
  return { ...user, token, expiresAt, password: DEMO_PASSWORD };
}

function bearer(user: E2EUser): Record<string, string> {
  return { authorization: `Bearer ${user.token}` };
}
