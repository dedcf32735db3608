import type { Page } from "@playwright/test";
import { expectAccessible } from "./support/a11y";
import { expect, PHONE, test } from "./support/fixtures";
import { docShot, liveCode, resultTitle, rosterRow, shownTime, startSession } from "./support/join";

// Student check-in on a phone (issue 4): deep links, the 6-digit code, the
// sign-in round trip and every refusal in plain words. The camera is in join-camera.spec.ts.

test.use(PHONE);

async function typeCode(page: Page, code: string) {
  const input = page.getByLabel("Type the 6-digit code");
  await input.click();
  await input.pressSequentially(code, { delay: 30 });
}

test("a deep link checks a signed-in student in at once, and the result follows the teacher's changes live", async ({ page, context, teacher, demoStudent, signIn }) => {
  const sessionId = await startSession(teacher);
  const student = await demoStudent(1);
  await signIn(context, student);
  const { token } = await liveCode(teacher, sessionId);

  await page.goto(`/join?t=${encodeURIComponent(token)}`);
  await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, \d{1,2}:\d{2} [AP]M$/);
  // A reload must not replay the link: it is gone from the address bar.
  await expect(page).toHaveURL(/\/join$/);

  const row = await rosterRow(teacher, sessionId, student.name);
  expect(row).toMatchObject({ status: "present", method: "qr" });
  await expect(resultTitle(page)).toHaveText(`You're checked in — CS101, ${shownTime(row!.checkedInAt!)}`);
  await expect(page.locator("[data-live-status=connected]")).toBeVisible();
  await docShot(page, "join-success.png");
  await expectAccessible(page, "success result");

  // The teacher excuses the student: the phone says so without a reload.
  const studentId = row!.studentId;
  const mark = await teacher.api.patch(`/api/sessions/${sessionId}/attendance/${studentId}`, { data: { status: "excused", note: "Team trip" } });
  expect(mark.status()).toBe(200);
  await expect(resultTitle(page)).toHaveText("Your teacher marked you excused");
  await expect(page.getByText("CS101: “Team trip”")).toBeVisible();

  // And ends the session.
  expect((await teacher.api.post(`/api/sessions/${sessionId}/end`)).status()).toBe(200);
  await expect(page.getByText("Attendance for this class has ended.")).toBeVisible();
});

test("a signed-in phone checks in over the socket it keeps for live updates: one connection, no REST call", async ({ page, context, teacher, newStudent, signIn }) => {
  const sessionId = await startSession(teacher);
  const student = await newStudent({ enrollIn: teacher.courseId });
  await signIn(context, student);
  const { token } = await liveCode(teacher, sessionId);
  const rest: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/api/")) rest.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  const sent: string[] = [];
  page.on("websocket", (ws) => ws.on("framesent", (f) => sent.push(String(f.payload))));

  await page.goto(`/join?t=${encodeURIComponent(token)}`);
  await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, /);
  await expect(page.locator("[data-live-status=connected]")).toBeVisible();
  expect(rest).toEqual([]);
  expect(sent.some((f) => f.includes('"attendance:checkin"') && f.includes(token))).toBe(true);
  // The check-in put the socket in the session's room: no separate watch.
  expect(sent.some((f) => f.includes('"session:watch"'))).toBe(false);
  // The device id came with the socket's handshake, so the device rule holds as it does over REST.
  expect((await context.cookies()).find((c) => c.name === "rollcall_device")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  const row = await rosterRow(teacher, sessionId, student.name);
  expect(row).toMatchObject({ status: "present", method: "qr" });

  // The teacher's change still reaches the phone.
  expect((await teacher.api.patch(`/api/sessions/${sessionId}/attendance/${row!.studentId}`, { data: { status: "late" } })).status()).toBe(200);
  await expect(resultTitle(page)).toHaveText(/late/i);
});

test("a second scan says when the student already checked in", async ({ page, context, teacher, demoStudent, signIn }) => {
  const sessionId = await startSession(teacher);
  await signIn(context, await demoStudent(2));
  const first = await liveCode(teacher, sessionId);
  const res = await context.request.post("/api/checkin", { data: { token: first.token } });
  expect(res.status()).toBe(201);
  const { record } = await res.json();

  await page.goto(`/join?t=${encodeURIComponent(first.token)}`);
  await expect(resultTitle(page)).toHaveText(`Already checked in at ${shownTime(record.checkedInAt)}`);
});

test("signed out: the scan is held, the student registers, and is checked in as of the scan", async ({ page, context, teacher, serverClock }) => {
  const sessionId = await startSession(teacher, { rotationSeconds: 10 });
  const { token } = await liveCode(teacher, sessionId);
  const scannedAt = Date.now();

  await page.goto(`/join?t=${encodeURIComponent(token)}`);
  await expect(resultTitle(page)).toHaveText("Sign in to finish checking in to CS101");
  await expect(page.getByText("Your scan is saved on this phone for 5 minutes.")).toBeVisible();
  const back = `/join?t=${encodeURIComponent(token)}`;
  await expect(page.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", `/login?callbackUrl=${encodeURIComponent(back)}`);
  await expectAccessible(page, "sign-in prompt");

  // Registering takes a while: two minutes later the QR code itself has long expired.
  await serverClock.advance(120_000);

  // A new account is not in CS101 yet; it joins with the teacher's enroll code
  // on its way back to /join (the check-in request waits for that, nothing else).
  let enrolled = false;
  await page.route("**/api/checkin", async (route) => {
    if (!enrolled) {
      const r = await context.request.post("/api/enroll", { data: { code: teacher.enrollCode } });
      expect(r.status()).toBe(201);
      enrolled = true;
    }
    await route.continue();
  });

  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/register\?callbackUrl=/);
  // The sign-in forms are controlled React inputs: typing before hydration would be lost.
  await page.waitForLoadState("networkidle");
  const email = `scan-then-register-${Date.now()}@example.test`;
  await page.getByLabel("Your name").fill("Rita Register");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, /, { timeout: 20_000 });
  expect(enrolled).toBe(true);
  const row = await rosterRow(teacher, sessionId, "Rita Register");
  expect(row).toMatchObject({ status: "present", method: "qr" });
  const at = Date.parse(row!.checkedInAt!);
  // As of the scan, not as of the sign-in two (server) minutes later.
  expect(at).toBeGreaterThanOrEqual(scannedAt - 2_000);
  expect(at).toBeLessThan(scannedAt + 30_000);
});

test("signed out: a scan held for more than 5 minutes is refused after sign-in", async ({ page, teacher, serverClock, demoStudent }) => {
  const student = await demoStudent(3);
  const sessionId = await startSession(teacher);
  const { token } = await liveCode(teacher, sessionId);
  await page.goto(`/join?t=${encodeURIComponent(token)}`);
  await expect(resultTitle(page)).toHaveText("Sign in to finish checking in to CS101");

  await serverClock.advance(360_000);
  await page.getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await page.waitForLoadState("networkidle");
  await page.getByLabel("E-mail").fill(student.email);
  await page.getByLabel("Password").fill(student.password);
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(resultTitle(page)).toHaveText("Your saved scan has expired", { timeout: 20_000 });
  await expect(page.getByText(/Signing in took more than 5 minutes/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Scan again" })).toBeVisible();
  expect(await rosterRow(teacher, sessionId, student.name)).toMatchObject({ status: "unmarked" });
});

test("typing the 6-digit code checks in on the sixth digit", async ({ page, context, teacher, demoStudent, signIn }) => {
  const sessionId = await startSession(teacher, { codeRotationSeconds: 0 });
  const student = await demoStudent(4);
  await signIn(context, student);
  const { code } = await liveCode(teacher, sessionId);

  await page.goto("/join");
  await expect(page.getByRole("button", { name: "Scan QR code" })).toBeVisible();
  await docShot(page, "join-idle.png");
  await expectAccessible(page, "idle");

  const input = page.getByLabel("Type the 6-digit code");
  await expect(input).toHaveAttribute("inputmode", "numeric");
  await expect(input).toHaveAttribute("autocomplete", "one-time-code");
  await expect(input).toHaveAttribute("pattern", "[0-9]*");
  await typeCode(page, code.slice(0, 4));
  await expect(input).toHaveValue(code.slice(0, 4));
  await expect(page.getByRole("button", { name: "Check in", exact: true })).toBeDisabled();
  await docShot(page, "join-code.png");
  await expectAccessible(page, "code entry");

  await input.pressSequentially(code.slice(4), { delay: 30 });
  await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, /);
  expect(await rosterRow(teacher, sessionId, student.name)).toMatchObject({ status: "present", method: "code" });
});

test("the page says who is signed in, the result card names the student, and 'not you?' switches account", async ({ page, context, teacher, demoStudent, signIn }) => {
  const sessionId = await startSession(teacher, { codeRotationSeconds: 0 });
  const student = await demoStudent(7);
  await signIn(context, student);
  const { code } = await liveCode(teacher, sessionId);

  await page.goto("/join");
  await expect(page.getByTestId("signed-in-as")).toContainText(student.name);
  await expect(page.getByTestId("signed-in-as").getByRole("button", { name: "not you?" })).toBeVisible();
  await typeCode(page, code);
  await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, /);
  await expect(page.getByTestId("checked-in-name")).toHaveText(student.name);
  await expectAccessible(page, "success with the student's name");

  await page.getByRole("button", { name: "not you?" }).click();
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fjoin$/);
  expect((await context.request.get("/api/me")).status()).toBe(401);
  // The phone stays the same phone: its device cookie is not part of signing out.
  expect((await context.cookies()).some((c) => c.name === "rollcall_device")).toBe(true);
});

test.describe("in the phone's own zone and language", () => {
  test.use({ timezoneId: "Pacific/Auckland", locale: "de-DE" });

  test("the result's time and the session's start time are both the phone's", async ({ page, context, teacher, demoStudent, signIn }) => {
    const sessionId = await startSession(teacher, { codeRotationSeconds: 0, title: "" });
    const student = await demoStudent(8);
    await signIn(context, student);
    const { code } = await liveCode(teacher, sessionId);
    await page.goto("/join");
    await typeCode(page, code);
    await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, /);
    const row = (await rosterRow(teacher, sessionId, student.name))!;
    const { session } = await (await teacher.api.get(`/api/sessions/${sessionId}`)).json();
    const inAuckland = (iso: string, opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("de-DE", { ...opts, timeZone: "Pacific/Auckland" }).format(new Date(iso));
    await expect(resultTitle(page)).toHaveText(`You're checked in — CS101, ${inAuckland(row.checkedInAt!, { hour: "numeric", minute: "2-digit" })}`);
    // An untitled session is called by its start, in the same zone and language as the time above.
    await expect(page.locator("section time")).toHaveText(inAuckland(session.startedAt, { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }));
  });
});

test("a pasted code with spaces or dashes works", async ({ page, context, teacher, demoStudent, signIn }) => {
  const sessionId = await startSession(teacher, { codeRotationSeconds: 0 });
  await signIn(context, await demoStudent(5));
  const { code } = await liveCode(teacher, sessionId);
  await page.goto("/join");
  await page.getByLabel("Type the 6-digit code").fill(`${code.slice(0, 3)} - ${code.slice(3)}`);
  await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, /);
});

test("late: the result says how many minutes", async ({ page, context, teacher, demoStudent, signIn, serverClock }) => {
  const sessionId = await startSession(teacher, { lateAfterMinutes: 5 });
  const student = await demoStudent(6);
  await signIn(context, student);
  await serverClock.advance(7 * 60_000 + 5_000);
  const { code } = await liveCode(teacher, sessionId);
  await page.goto("/join");
  await typeCode(page, code);
  await expect(resultTitle(page)).toHaveText("Checked in, 7 minutes late");
  expect(await rosterRow(teacher, sessionId, student.name)).toMatchObject({ status: "late", lateMinutes: 7 });
  await expect(page.locator("[data-live-status=connected]")).toBeVisible();
  await docShot(page, "join-late.png");
});

test.describe("every refusal in plain words", () => {
  test("expired QR code", async ({ page, context, teacher, demoStudent, signIn, serverClock }) => {
    const sessionId = await startSession(teacher, { rotationSeconds: 10 });
    await signIn(context, await demoStudent(7));
    const { token } = await liveCode(teacher, sessionId);
    await serverClock.advance(60_000);
    await page.goto(`/join?t=${encodeURIComponent(token)}`);
    await expect(resultTitle(page)).toHaveText("This QR code has expired");
    await expect(page.getByText("Scan the code on the screen again.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Scan again" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Type the code" })).toBeVisible();
    await docShot(page, "join-error-expired.png");
    await expectAccessible(page, "error result");

    // "Type the code" goes straight to the keypad.
    await page.getByRole("button", { name: "Type the code" }).click();
    await expect(page.getByLabel("Type the 6-digit code")).toBeFocused();
  });

  test("ended session", async ({ page, context, teacher, demoStudent, signIn }) => {
    const sessionId = await startSession(teacher);
    await signIn(context, await demoStudent(8));
    const { token } = await liveCode(teacher, sessionId);
    expect((await teacher.api.post(`/api/sessions/${sessionId}/end`)).status()).toBe(200);
    await page.goto(`/join?t=${encodeURIComponent(token)}`);
    await expect(resultTitle(page)).toHaveText("Attendance has ended");
    await expect(page.getByText("Attendance for CS101 has already ended. If you were in class, talk to your teacher.")).toBeVisible();
  });

  test("check-in closed", async ({ page, context, laptop, teacher, demoStudent, signIn, serverClock }) => {
    const sessionId = await startSession(teacher, { closeAfterMinutes: 1 });
    await signIn(context, await demoStudent(9));
    await serverClock.advance(90_000);
    const { code } = await liveCode(teacher, sessionId);
    await page.goto("/join");
    await typeCode(page, code);
    await expect(resultTitle(page)).toHaveText("Check-in is closed");
    await expect(page.getByText(/closed 1 minute after the start/)).toBeVisible();
    // The projector stops showing a code nobody can use.
    await signIn(laptop, teacher.user);
    const projector = await laptop.newPage();
    await projector.goto(`/sessions/${sessionId}/present`);
    await expect(projector.getByText("Check-in closed")).toBeVisible();
    await expect(projector.getByRole("img", { name: "QR code to check in" })).toHaveCount(0);
  });

  test("wrong code", async ({ page, context, teacher, demoStudent, signIn }) => {
    const sessionId = await startSession(teacher, { codeRotationSeconds: 0 });
    await signIn(context, await demoStudent(10));
    const { code } = await liveCode(teacher, sessionId);
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, "0");
    await page.goto("/join");
    await typeCode(page, wrong);
    await expect(resultTitle(page)).toHaveText("No class has that code");
    await expect(page.getByText("Check the 6 digits on the screen and try again.", { exact: false })).toBeVisible();
    await page.getByRole("button", { name: "Type the code" }).click();
    await typeCode(page, code);
    await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, /);
  });

  test("too many wrong codes: the wait counts down", async ({ page, context, teacher, newStudent, signIn }) => {
    await startSession(teacher, { codeRotationSeconds: 0 });
    await signIn(context, await newStudent({ name: "Guessing Gus", enrollIn: teacher.courseId }));
    // Ten wrong codes are free; each one after that starts a longer pause (2 s, 4 s, 8 s …).
    for (let i = 0; i < 13; i++) {
      const r = await context.request.post("/api/checkin", { data: { code: "000000" } });
      expect([404, 410]).toContain(r.status());
      if (i >= 10 && i < 12) await page.waitForTimeout(1000 * 2 ** (i - 9) + 200);
    }
    await page.goto("/join");
    await typeCode(page, "000001");
    await expect(resultTitle(page)).toHaveText("Too many tries");
    const body = page.getByText(/^Wait \d+ (seconds|minutes?)( \d+ seconds)?, then try again\.$/);
    await expect(body).toBeVisible();
    const first = await body.textContent();
    await expect(body).not.toHaveText(first!, { timeout: 5_000 });
    await expect(page.getByRole("button", { name: "Type the code" })).toHaveCount(0);
  });

  test("not enrolled: explains, and joining with the enroll code finishes the check-in", async ({ page, context, teacher, newStudent, signIn, serverClock }) => {
    const sessionId = await startSession(teacher);
    await signIn(context, await newStudent({ name: "Noor Newcomer" }));
    const { token } = await liveCode(teacher, sessionId);
    await page.goto(`/join?t=${encodeURIComponent(token)}`);
    await expect(resultTitle(page)).toHaveText("You're not enrolled in CS101");
    await expect(page.getByText(/join the course first: ask your teacher for its enroll link or 8-character enroll code/)).toBeVisible();
    await expect(page.getByLabel("Enroll code or link from your teacher")).toBeVisible();
    await docShot(page, "join-error-not-enrolled.png");
    await expectAccessible(page, "not enrolled");

    await page.getByLabel("Enroll code or link from your teacher").fill("WRONG123");
    await page.getByRole("button", { name: "Request to join" }).click();
    await expect(page.getByText("No course has that enroll code. Check it with your teacher.")).toBeVisible();

    // Asking the teacher for the enroll code takes a while: the QR token has long expired by then
    // (default rotation 10 s), but the server held the scan, so it still counts as of the scan.
    await serverClock.advance(60_000);
    await page.getByLabel("Enroll code or link from your teacher").fill(`http://localhost/enroll/${teacher.enrollCode}`);
    await page.getByRole("button", { name: "Request to join" }).click();
    await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, /);
    const row = await rosterRow(teacher, sessionId, "Noor Newcomer");
    expect(row).toMatchObject({ status: "present", method: "qr" });
    // As of the scan, not of the enrollment a (server) minute later.
    expect(Date.parse(row!.checkedInAt!)).toBeLessThan(Date.now() + 30_000);
  });

  test("one phone, two students: the second is refused", async ({ page, context, teacher, demoStudent, signIn, signOut }) => {
    const sessionId = await startSession(teacher, { rotationSeconds: 120 });
    const { token } = await liveCode(teacher, sessionId);
    await signIn(context, await demoStudent(11));
    await page.goto(`/join?t=${encodeURIComponent(token)}`);
    await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, /);

    await signOut(context);
    const second = await demoStudent(12);
    await signIn(context, second);
    await page.goto(`/join?t=${encodeURIComponent(token)}`);
    await expect(resultTitle(page)).toHaveText("This phone was already used");
    await expect(page.getByText(/Each student checks in on their own phone/)).toBeVisible();
    expect(await rosterRow(teacher, sessionId, second.name)).toMatchObject({ status: "unmarked" });
  });

  test("signed out and typing a code: sign in first", async ({ page }) => {
    await page.goto("/join");
    await typeCode(page, "123456");
    await expect(resultTitle(page)).toHaveText("Sign in to check in");
    await expect(page.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", `/login?callbackUrl=${encodeURIComponent("/join")}`);
    await expect(page.getByRole("link", { name: "Create an account" })).toHaveAttribute("href", `/register?callbackUrl=${encodeURIComponent("/join")}`);
  });

  test("no connection: retry", async ({ page, context, teacher, demoStudent, signIn }) => {
    const sessionId = await startSession(teacher, { codeRotationSeconds: 0 });
    await signIn(context, await demoStudent(13));
    const { code } = await liveCode(teacher, sessionId);
    // The lecture hall's Wi-Fi is down as the page opens: neither the socket nor REST gets through.
    await page.routeWebSocket(/\/socket\.io\//, (ws) => ws.close());
    await page.route("**/api/checkin", (route) => route.abort("internetdisconnected"));
    await page.goto("/join");
    await typeCode(page, code);
    await expect(resultTitle(page)).toHaveText("No connection");
    await page.unroute("**/api/checkin");
    await page.getByRole("button", { name: "Try again" }).click();
    await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, /);
  });
});

test("the page is static and installable", async ({ page, request }) => {
  const html = await request.get("/join");
  expect(html.status()).toBe(200);
  // Prerendered at build time: Next marks static pages as cacheable.
  expect(html.headers()["x-nextjs-prerender"] ?? html.headers()["x-nextjs-cache"]).toBeTruthy();
  await page.goto("/join");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  const manifest = await (await request.get(href!)).json();
  expect(manifest).toMatchObject({ short_name: "Rollcall", start_url: "/join", display: "standalone" });
  for (const icon of manifest.icons as Array<{ src: string; sizes: string }>) {
    const res = await request.get(icon.src);
    expect(res.status(), icon.src).toBe(200);
    expect(res.headers()["content-type"]).toBe("image/png");
  }
  expect((await request.get("/apple-touch-icon.png")).status()).toBe(200);
  await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute("href", "/apple-touch-icon.png");
  // A real favicon, named by the page, so phones stop asking for a missing one.
  const favicon = await request.get((await page.locator('link[rel="icon"]').getAttribute("href"))!);
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toBe("image/x-icon");
});

test("the page's files come from memory: compressed once, cached for good, revalidated with a 304", async ({ page, request }) => {
  const files: string[] = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname.startsWith("/_next/static/")) files.push(r.url());
  });
  await page.goto("/join");
  await expect(page.getByLabel("Type the 6-digit code")).toBeVisible();
  expect(files.length).toBeGreaterThan(0);
  for (const url of files) {
    const res = await request.get(url, { headers: { "accept-encoding": "gzip, deflate, br, zstd" } });
    expect(res.status(), url).toBe(200);
    expect(res.headers()["cache-control"], url).toBe("public, max-age=31536000, immutable");
    // Scripts and styles in brotli (a file of a few bytes is not worth compressing).
    if (/\.(js|css)$/.test(url) && (await res.body()).length > 1024) expect(res.headers()["content-encoding"], url).toBe("br");
    const again = await request.get(url, { headers: { "if-none-match": res.headers().etag } });
    expect(again.status(), url).toBe(304);
  }
});

test.describe("the service worker", () => {
  const CACHE = "rollcall-join-v1";
  const cachedPaths = (page: Page) =>
    page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname), CACHE);

  test.afterEach(async ({ request }) => {
    expect((await request.get("/__e2e/deploy?reset")).status()).toBe(200);
  });

  test("from the second visit /join comes from the phone: offline too, with nothing a signed-in answer holds", async ({ page, context, teacher, newStudent, signIn }) => {
    const sessionId = await startSession(teacher);
    const student = await newStudent({ enrollIn: teacher.courseId });
    await signIn(context, student);
    const { token } = await liveCode(teacher, sessionId);

    // The first lecture: the page comes from the server; once checked in, the worker is set up and keeps the page.
    await page.goto(`/join?t=${encodeURIComponent(token)}`);
    await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, /);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await expect.poll(() => cachedPaths(page)).toContain("/join");
    // Only the page and the build's files: no API answer, no signed-in page, no token in a kept address.
    for (const path of await cachedPaths(page)) expect(path === "/join" || path.startsWith("/_next/static/"), path).toBe(true);

    // The next lecture, online: the page and its files come from the phone; the server is asked only whether the page changed.
    const reached: string[] = [];
    const onRequest = (r: import("@playwright/test").Request) => reached.push(`${r.serviceWorker() ? "worker" : "page"} ${new URL(r.url()).pathname}`);
    context.on("request", onRequest);
    const online = await page.goto("/join");
    expect(online?.fromServiceWorker()).toBe(true);
    await expect(page.getByLabel("Type the 6-digit code")).toBeVisible();
    expect(reached.filter((r) => r.startsWith("worker"))).toEqual(["worker /join"]);
    context.off("request", onRequest);

    // Offline: the page still opens, and says so when it cannot check in.
    await context.setOffline(true);
    const offline = await page.goto("/join");
    expect(offline?.fromServiceWorker()).toBe(true);
    await expect(page.getByLabel("Type the 6-digit code")).toBeVisible();
    await page.getByLabel("Type the 6-digit code").pressSequentially("123456", { delay: 20 });
    await expect(resultTitle(page)).toHaveText("No connection");
    await context.setOffline(false);
  });

  test("after a deploy the phone gets the new page at once, never the kept one", async ({ page, request }) => {
    await page.goto("/join");
    await expect(page.getByLabel("Type the 6-digit code")).toBeVisible();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await expect.poll(() => cachedPaths(page)).toContain("/join");
    await page.goto("/join");
    await expect(page.locator('meta[name="e2e-build"]')).toHaveCount(0);

    expect((await request.get("/__e2e/deploy?build=2")).status()).toBe(200);
    const fresh = await page.goto("/join");
    expect(fresh?.fromServiceWorker()).toBe(true);
    await expect(page.locator('meta[name="e2e-build"]')).toHaveAttribute("content", "2");
    await expect(page.getByLabel("Type the 6-digit code")).toBeVisible();
    // What the worker keeps now is the new page.
    await page.goto("/join");
    await expect(page.locator('meta[name="e2e-build"]')).toHaveAttribute("content", "2");
  });
});
