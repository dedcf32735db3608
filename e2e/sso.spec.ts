import { expectAccessible } from "./support/a11y";
import { baseURL, expect, LAPTOP, PHONE, ssoBaseURL, test } from "./support/fixtures";
import { hydrated } from "./support/hydration";
import { docShot, liveCode, resultTitle, rosterRow, startSession } from "./support/join";
import { clickProvider, idpURL, setProviderOutage, signInAtProvider, UNIVERSITY, universityPerson } from "./support/sso";

// Signing in with the university's account (SPEC §13, issue 15), in a browser, against a real OpenID provider
// on another site (127.0.0.1) than the app (localhost): the button, the provider's own page, and back.
// These specs run on the e2e server configured for single sign-on (E2E_PORT + 1).
test.use({ baseURL: ssoBaseURL(), appURL: ssoBaseURL() });

test("a deployment without single sign-on shows no provider button", async ({ page }) => {
  for (const path of ["/login", "/register"]) {
    await page.goto(`${baseURL()}${path}`);
    await expect(page.getByRole("button", { name: /with your e-mail/i })).toHaveCount(0);
    await expect(page.getByRole("button", { name: new RegExp(UNIVERSITY) })).toHaveCount(0);
  }
});

test("the first sign-in with the university's account makes a student account and signs in", async ({ phone, request }) => {
  const person = await universityPerson(request);
  const page = await phone.newPage();
  await page.goto("/login");
  await expect(page.getByRole("button", { name: `Sign in with ${UNIVERSITY}` })).toBeVisible();
  await expect(page.getByText("or with your e-mail and password")).toBeVisible();
  await docShot(page, "sso-login-phone.png");
  await expectAccessible(page, "sign-in page with single sign-on");

  await clickProvider(page);
  await signInAtProvider(page, person.login);
  await expect(page).toHaveURL(`${ssoBaseURL()}/dashboard`);
  await expect(page.getByRole("heading", { name: `Hi, ${person.name.split(" ")[0]}` })).toBeVisible();

  // The account page: who, how they sign in (no password yet: the university's account is the only way).
  await page.getByRole("link", { name: person.name }).click();
  await expect(page).toHaveURL(`${ssoBaseURL()}/account`);
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expect(page.getByText(person.email)).toHaveCount(2); // profile, and the identity's line
  const ways = page.getByRole("list", { name: "Ways to sign in" });
  await expect(ways.getByText("No password yet")).toBeVisible();
  await expect(ways.getByText(UNIVERSITY)).toBeVisible();
  await expect(ways.getByText("Your only way to sign in")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Set a password" })).toBeVisible();
  await docShot(page, "sso-account-phone.png");
  await expectAccessible(page, "account page");
  const me = await (await phone.request.get("/api/me")).json();
  expect(me.user).toMatchObject({ email: person.email, kind: "student" });
});

test("a staff invitation, or a faculty affiliation, makes a teacher account", async ({ browser, request, teacher }) => {
  const invited = await universityPerson(request);
  expect((await teacher.api.post(`/api/courses/${teacher.courseId}/staff`, { data: { email: invited.email, role: "ta" } })).status()).toBe(201);
  const faculty = await universityPerson(request, { eduperson_affiliation: ["member", "faculty"] });

  for (const person of [invited, faculty]) {
    const context = await browser.newContext({ ...LAPTOP });
    const page = await context.newPage();
    await page.goto("/login");
    await clickProvider(page);
    await signInAtProvider(page, person.login);
    await expect(page).toHaveURL(`${ssoBaseURL()}/dashboard`);
    await expect(page.getByRole("banner").getByText("teacher", { exact: true })).toBeVisible();
    if (person === invited) await expect(page.getByText("Introduction to Computer Science")).toBeVisible();
    await context.close();
  }
});

test("choosing teacher on the sign-up page makes a teacher account", async ({ page, request }) => {
  const person = await universityPerson(request);
  await page.goto("/register");
  await (await hydrated(page.getByLabel("Teacher"))).check();
  await clickProvider(page, "Sign up with");
  await signInAtProvider(page, person.login);
  await expect(page).toHaveURL(`${ssoBaseURL()}/dashboard`);
  await expect(page.getByRole("banner").getByText("teacher", { exact: true })).toBeVisible();
});

test("a verified university e-mail links to the existing password account, and both ways sign in", async ({ browser, request, newStudent }) => {
  const person = await universityPerson(request);
  const existing = await newStudent({ email: person.email, name: "Pat Existing" });

  const first = await browser.newContext({ ...LAPTOP });
  const page = await first.newPage();
  await page.goto("/login");
  await clickProvider(page);
  await signInAtProvider(page, person.login);
  await expect(page).toHaveURL(`${ssoBaseURL()}/dashboard`);
  await expect(page.getByRole("heading", { name: "Hi, Pat" })).toBeVisible();
  expect((await (await first.request.get("/api/me")).json()).user.id).toBe(existing.id);
  await first.close();

  // The password still works, on another computer.
  const second = await browser.newContext({ ...LAPTOP });
  const again = await second.newPage();
  await again.goto("/login?callbackUrl=%2Faccount");
  await (await hydrated(again.getByLabel("E-mail"))).fill(existing.email);
  await again.getByLabel("Password").fill(existing.password);
  await again.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(again).toHaveURL(`${ssoBaseURL()}/account`);
  const ways = again.getByRole("list", { name: "Ways to sign in" });
  await expect(ways.getByText("Set", { exact: true })).toBeVisible();
  await expect(ways.getByText(UNIVERSITY)).toBeVisible();
  await second.close();
});

test("an unverified e-mail and an address outside the university are refused, each with its page", async ({ page, request }) => {
  const unverified = await universityPerson(request, { email_verified: false });
  await page.goto("/login?callbackUrl=%2Fcourses%2Fabc");
  await clickProvider(page);
  await signInAtProvider(page, unverified.login);
  await expect(page).toHaveURL(/\/login\/error\?error=unverified_email&provider=oidc&callbackUrl=%2Fcourses%2Fabc$/);
  await expect(page.getByRole("heading", { name: `${UNIVERSITY} has not confirmed your e-mail address` })).toBeVisible();
  await expectAccessible(page, "unverified e-mail page");
  await expect(page.getByRole("link", { name: "Back to sign in" })).toHaveAttribute("href", "/login?callbackUrl=%2Fcourses%2Fabc");
  expect((await page.context().request.get("/api/me")).status()).toBe(401);

  const outsider = await universityPerson(request, { email: `someone${Date.now()}@gmail.example` });
  const other = await page.context().browser()!.newContext({ ...LAPTOP });
  const p2 = await other.newPage();
  await p2.goto("/login");
  await clickProvider(p2);
  await signInAtProvider(p2, outsider.login);
  await expect(p2.getByRole("heading", { name: "That account cannot be used here" })).toBeVisible();
  await expect(p2.getByText("Rollcall here accepts university accounts at uni.example, and you signed in with one at gmail.example.")).toBeVisible();
  await docShot(p2, "sso-refused-domain.png");
  await p2.getByRole("link", { name: "Back to sign in" }).click();
  await expect(p2).toHaveURL(`${ssoBaseURL()}/login`);
  await other.close();
});

test("a cancelled sign-in and a provider that is down each get a page with a way back", async ({ page, request }) => {
  await universityPerson(request);
  await page.goto("/login");
  await clickProvider(page);
  await expect(page).toHaveURL(new RegExp(`^${idpURL().replace(/\./g, "\\.")}/interaction/`));
  await page.getByRole("link", { name: "[ Cancel ]" }).click();
  await expect(page.getByRole("heading", { name: "Sign-in was cancelled" })).toBeVisible();
  await expectAccessible(page, "cancelled page");

  await setProviderOutage(request, true);
  try {
    await page.goto("/login");
    await clickProvider(page);
    await expect(page).toHaveURL(/\/login\/error\?error=OAuthSignin&provider=oidc$/);
    await expect(page.getByRole("heading", { name: `We could not reach ${UNIVERSITY}` })).toBeVisible();
  } finally {
    await setProviderOutage(request, false);
  }
});

test("linking the university's account from the account page, then unlinking it", async ({ page, context, request, newStudent, signIn }) => {
  const student = await newStudent({ name: "Lin Linker" });
  await signIn(context, student);
  // A university identity with an address of its own: linking does not need the e-mails to match.
  const person = await universityPerson(request);
  await page.goto("/account");
  const ways = page.getByRole("list", { name: "Ways to sign in" });
  await expect(ways.getByRole("listitem")).toHaveCount(1);
  await clickProvider(page, "Link");
  await signInAtProvider(page, person.login);
  await expect(page).toHaveURL(`${ssoBaseURL()}/account?linked=oidc`);
  await expect(page.getByText(`Linked. You can now sign in with ${UNIVERSITY}.`)).toBeVisible();
  await expect(ways.getByText(person.email)).toBeVisible();
  await docShot(page, "sso-account-linked.png");

  await (await hydrated(page.getByRole("button", { name: `Unlink ${UNIVERSITY} (${person.email})` }))).click();
  await expect(page.getByText(`Unlinked ${UNIVERSITY} (${person.email}).`)).toBeVisible();
  await expect(ways.getByRole("listitem")).toHaveCount(1);
  const methods = await (await context.request.get("/api/me/sign-in-methods")).json();
  expect(methods).toEqual({ password: true, identities: [] });
});

test("a scan held while signed out completes after the round trip to the provider, and the page stays live", async ({ phone, request, teacher }) => {
  const person = await universityPerson(request, { name: "Sam Scanner" });
  // The class list already has the student; their account does not exist yet.
  const roster = await teacher.api.post(`/api/courses/${teacher.courseId}/roster`, { data: { students: [{ email: person.email }] } });
  expect((await roster.json()).invited).toBe(1);
  const sessionId = await startSession(teacher, { rotationSeconds: 30 });
  const { token } = await liveCode(teacher, sessionId);

  const page = await phone.newPage();
  await page.goto(`/join?t=${encodeURIComponent(token)}`);
  await expect(resultTitle(page)).toHaveText("Sign in to finish checking in to CS101");
  await page.getByRole("link", { name: "Sign in" }).click();
  await expect(page.getByText("Sign in to finish checking in.")).toBeVisible();
  await clickProvider(page);
  await signInAtProvider(page, person.login);

  await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, \d{1,2}:\d{2} [AP]M$/);
  const row = await rosterRow(teacher, sessionId, "Sam Scanner");
  expect(row).toMatchObject({ status: "present", method: "qr" });
  // The socket opened with the session the provider's sign-in gave: the teacher's change arrives live.
  await expect(page.locator("[data-live-status=connected]")).toBeVisible();
  expect((await teacher.api.patch(`/api/sessions/${sessionId}/attendance/${row!.studentId}`, { data: { status: "excused" } })).status()).toBe(200);
  await expect(resultTitle(page)).toHaveText("Your teacher marked you excused");
  await docShot(page, "sso-held-scan-done.png");
});

test("signing out everywhere ends the session in every browser", async ({ browser, request }) => {
  const person = await universityPerson(request);
  const contexts = [await browser.newContext({ ...PHONE }), await browser.newContext({ ...LAPTOP })];
  const pages = [];
  for (const context of contexts) {
    const page = await context.newPage();
    await page.goto("/login");
    await clickProvider(page);
    await signInAtProvider(page, person.login);
    await expect(page).toHaveURL(`${ssoBaseURL()}/dashboard`);
    pages.push(page);
  }
  const [phonePage, laptopPage] = pages;
  await laptopPage.goto("/account");
  await (await hydrated(laptopPage.getByRole("button", { name: "Sign out everywhere" }))).click();
  await laptopPage.getByRole("dialog").getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(laptopPage).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
  await phonePage.reload();
  await expect(phonePage).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);
  for (const c of contexts) await c.close();
});
