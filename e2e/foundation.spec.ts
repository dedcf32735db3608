import type { Page } from "@playwright/test";
import { expectAccessible } from "./support/a11y";
import { expect, test } from "./support/fixtures";
import { hydrated } from "./support/hydration";
import { SCREENSHOT_DIR as SHOTS } from "./support/screenshots";

// Issue 2 in a real browser against the production server: sign-up, courses,
// enrollment by link and by code, sign-in with callbackUrl, and accessibility.
// Sign-up and sign-in go through the real forms here; accounts a test merely
// needs come from the fixtures.

const PASSWORD = "correct horse battery";

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;

/** The form's own alert (Next's route announcer is an empty role=alert too). */
function formAlert(page: Page) {
  return page.getByRole("main").getByRole("alert");
}

async function register(page: Page, opts: { name: string; email: string; kind: "student" | "teacher" }) {
  await page.getByLabel("Your name").fill(opts.name);
  await page.getByLabel("E-mail").fill(opts.email);
  await page.getByLabel("Password").fill(PASSWORD);
  if (opts.kind === "teacher") await page.getByRole("radio", { name: "Teacher" }).check();
  await page.getByRole("button", { name: "Create account" }).click();
}

test("a teacher creates a course and a student on a phone enrolls; each sees it on the dashboard", async ({ page, phone }) => {
  test.setTimeout(120_000);
  const teacherEmail = unique("teacher");
  const studentEmail = unique("student");

  // Teacher, laptop viewport: register, land on the dashboard, create a course.
  await page.goto("/register");
  await expect(page.getByRole("radio", { name: "Student" })).toBeChecked();
  await expectAccessible(page);
  await register(page, { name: "Rosalind Franklin", email: teacherEmail, kind: "teacher" });
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Hi, Rosalind Franklin" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("Rosalind Franklin");

  // Registering ends with a full page load: the course form is React's once hydrated.
  await (await hydrated(page.getByLabel("Course name"))).fill("Molecular Biology");
  await page.getByLabel("Short code").fill("BIO210");
  await page.getByLabel("Term").fill("Spring 2027");
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Molecular Biology is ready" })).toBeVisible();
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Molecular Biology" }) });
  const enrollCode = (await card.getByTestId("enroll-code").textContent())!.trim();
  expect(enrollCode).toMatch(/^[A-Z2-9]{8}$/);
  await expect(page.getByRole("status").filter({ hasText: "Molecular Biology is ready" })).toContainText(enrollCode);
  await expectAccessible(page);

  // A second course that needs approval, for the dashboard form below.
  await page.getByLabel("Course name").fill("Genetics Seminar");
  await page.getByLabel("Short code").fill("BIO390");
  await page.getByLabel("Approve students automatically").uncheck();
  await page.getByRole("button", { name: "Create course" }).click();
  const seminar = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Genetics Seminar" }) });
  const seminarCode = (await seminar.getByTestId("enroll-code").textContent())!.trim();

  // Student, phone: the enroll link sends them to sign in, then to register, then back.
  const student = await phone.newPage();
  await student.goto(`/enroll/${enrollCode}`);
  await expect(student).toHaveURL(new RegExp(`/login\\?callbackUrl=%2Fenroll%2F${enrollCode}$`));
  await expect(student.getByText("Sign in to enroll in the course.")).toBeVisible();
  await student.screenshot({ path: `${SHOTS}/login-phone.png` });
  await student.getByRole("link", { name: "Create an account" }).click();
  await expect(student).toHaveURL(new RegExp(`/register\\?callbackUrl=%2Fenroll%2F${enrollCode}$`));
  await register(student, { name: "Maya Chen", email: studentEmail, kind: "student" });

  await expect(student).toHaveURL(new RegExp(`/enroll/${enrollCode}$`));
  await expect(student.getByRole("heading", { name: "BIO210 Molecular Biology" })).toBeVisible();
  await (await hydrated(student.getByRole("button", { name: "Enroll" }))).click();
  await expect(student.getByRole("heading", { name: "You're enrolled" })).toBeVisible();
  await student.getByRole("link", { name: "Go to your dashboard" }).click();
  await expect(student).toHaveURL(/\/dashboard$/);
  const mine = student.getByRole("listitem").filter({ has: student.getByRole("heading", { name: "Molecular Biology" }) });
  await expect(mine).toContainText("Enrolled");
  await expect(mine).toContainText("No finished sessions yet.");

  // The same student joins the approval-only course with the dashboard form.
  await student.getByLabel("Enroll code").fill(seminarCode.toLowerCase());
  await student.getByRole("button", { name: "Enroll", exact: true }).click();
  await expect(student.getByRole("status").filter({ hasText: "waiting for approval" })).toBeVisible();
  const pendingCard = student.getByRole("listitem").filter({ has: student.getByRole("heading", { name: "Genetics Seminar" }) });
  await expect(pendingCard).toContainText("Waiting for approval");
  await expectAccessible(student);

  // Teacher approves on the course page; the student's dashboard updates without a reload.
  await seminar.getByRole("link", { name: "Roster & history" }).click();
  await expect(page.getByRole("heading", { name: "Genetics Seminar", level: 1 })).toBeVisible();
  await expect(page.getByText("Waiting for approval (1)")).toBeVisible();
  await page.getByRole("button", { name: "Approve Maya Chen" }).click();
  // The Overview lists only requests waiting for a decision; the class list is on the Students tab.
  await expect(page.getByText("Waiting for approval (1)")).toHaveCount(0);
  await expect(page.getByText("1 enrolled")).toBeVisible();
  await expect(pendingCard).toContainText("Enrolled");

  // The teacher's dashboard counts the student; the course page shows code, QR and roster.
  await page.goto("/dashboard");
  await expect(card.locator("dd").first()).toHaveText("1");
  await card.getByRole("link", { name: "Molecular Biology" }).click();
  await expect(page.getByTestId("course-enroll-code")).toHaveText(enrollCode);
  await expect(page.getByRole("img", { name: /QR code linking to .*\/enroll\// })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("navigation", { name: "Course sections" }).getByRole("link", { name: "Students", exact: true }).click();
  await expect(page.getByRole("list", { name: "Students of the course" })).toContainText("Maya Chen");
  await expectAccessible(page);

  // One click starts a session and opens its console; the student is invited to check in.
  await page.goto("/dashboard");
  await (await hydrated(card.getByRole("button", { name: "Start session for BIO210 Molecular Biology" }))).click();
  await expect(page).toHaveURL(/\/sessions\/[A-Za-z0-9]+$/);
  const sessionId = page.url().split("/").pop();
  await page.goto("/dashboard");
  await expect(card.getByRole("link", { name: "Active session" })).toHaveAttribute("href", `/sessions/${sessionId}`);
  await page.screenshot({ path: `${SHOTS}/dashboard-teacher.png`, fullPage: true });

  const banner = student.getByRole("region", { name: /Attendance open for BIO210/ });
  await expect(banner).toBeVisible();
  await expect(banner.getByRole("link", { name: "Check in" })).toHaveAttribute("href", "/join");
  await expectAccessible(student);
  await student.screenshot({ path: `${SHOTS}/dashboard-student.png`, fullPage: true });

  // A stale page whose course was started elsewhere opens the running session instead of failing. The
  // dashboard hears its courses' sessions start (SPEC §9 course:watch), so this tab is kept from hearing it.
  const stale = await page.context().newPage();
  await stale.routeWebSocket(/\/socket\.io\//, () => {});
  await stale.route(/\/socket\.io\//, (route) => route.abort());
  await stale.goto("/dashboard");
  const staleSeminar = stale.getByRole("listitem").filter({ has: stale.getByRole("heading", { name: "Genetics Seminar" }) });
  const staleStart = await hydrated(staleSeminar.getByRole("button", { name: "Start session for BIO390 Genetics Seminar" }));
  const seminarId = (await seminar.getByRole("link", { name: "Roster & history" }).getAttribute("href"))!.split("/").pop();
  const elsewhere = await page.request.post(`/api/courses/${seminarId}/sessions`, { data: {} });
  expect(elsewhere.status()).toBe(201);
  const elsewhereId = (await elsewhere.json()).session.id;
  // The live dashboard shows it at once.
  await expect(seminar.getByRole("link", { name: "Open console" })).toHaveAttribute("href", `/sessions/${elsewhereId}`);
  await staleStart.click();
  await expect(stale).toHaveURL(new RegExp(`/sessions/${elsewhereId}$`));
  await stale.close();
  await page.goto("/dashboard");

  // The course page now shows the running session, in the console link and in the history.
  const courseUrl = await card.getByRole("link", { name: "Molecular Biology" }).getAttribute("href");
  await page.goto(courseUrl!);
  await expect(page.getByRole("link", { name: "Open console" })).toHaveAttribute("href", `/sessions/${sessionId}`);
  await expect(page.getByRole("row").filter({ hasText: "Live" })).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/course.png`, fullPage: true });

  // An enrolled student sees their own history there (SPEC §12), none of the staff's page.
  await student.goto(courseUrl!);
  await expect(student.getByRole("heading", { name: "Molecular Biology" })).toBeVisible();
  await expect(student.getByRole("list", { name: "Your sessions" })).toBeVisible();
  await expect(student.getByTestId("course-enroll-code")).toHaveCount(0);
  await expect(student.getByRole("navigation", { name: "Course sections" })).toHaveCount(0);
  await student.goto("/courses/no-such-course");
  await expect(student.getByRole("heading", { name: "Course not found" })).toBeVisible();

  // Sign out returns to the landing page; the dashboard then asks to sign in.
  await (await hydrated(student.getByRole("button", { name: "Sign out" }))).click();
  await expect(student).toHaveURL(/\/$/);
  await student.goto("/dashboard");
  await expect(student).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);
});

test("/login honours callbackUrl, refuses open redirects and explains failures", async ({ page, newStudent }) => {
  const { email, password } = await newStudent({ name: "Lin Login" });

  await page.goto("/login?callbackUrl=%2Fenroll%2F00000000");
  await expectAccessible(page);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(formAlert(page)).toHaveText("That e-mail and password do not match.");
  await expectAccessible(page);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/enroll\/00000000$/);
  await expect(page.getByRole("heading", { name: "No course has this enroll code" })).toBeVisible();

  // Already signed in: /login goes straight on, but never off the site.
  await page.goto("/login?callbackUrl=%2Fdashboard%3Ftab%3D1");
  await expect(page).toHaveURL(/\/dashboard\?tab=1$/);
  await page.goto("/login?callbackUrl=https%3A%2F%2Fevil.example%2F");
  await expect(page).toHaveURL(/localhost:\d+\/dashboard$/);
  await page.goto("/login?callbackUrl=%2F%2Fevil.example");
  await expect(page).toHaveURL(/localhost:\d+\/dashboard$/);
});

test("sign-in after ten failures says how long to wait", async ({ page, newStudent }) => {
  const { email, password } = await newStudent({ name: "Lou Locked" });
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  for (let i = 0; i < 10; i++) {
    await page.getByLabel("Password").fill(`wrong password ${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(formAlert(page)).toHaveText("That e-mail and password do not match.");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  }
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(formAlert(page)).toHaveText(/^Too many failed sign-ins\. Try again in (1[0-5]|[1-9]) minutes?\.$/);
  await expect(page).toHaveURL(/\/login$/);
});

test("register shows each problem next to its field and keeps callbackUrl", async ({ page, newStudent }) => {
  const taken = (await newStudent({ name: "Tess Taken" })).email;

  await page.goto("/register?callbackUrl=%2Fenroll%2F00000000");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(formAlert(page)).toHaveText("Please fix the highlighted fields.");
  await expect(page.getByLabel("Your name")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Your name")).toBeFocused();
  await expect(page.getByText("Enter a valid e-mail address.")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();
  await expectAccessible(page);

  await register(page, { name: "Tess Again", email: taken.toUpperCase(), kind: "student" });
  await expect(page.getByText("An account with that e-mail already exists.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in instead" })).toHaveAttribute("href", "/login?callbackUrl=%2Fenroll%2F00000000");
  await expect(page.getByRole("link", { name: "Sign in", exact: true })).toHaveAttribute("href", "/login?callbackUrl=%2Fenroll%2F00000000");
});

test("the course page starts a session with settings from the second step", async ({ page, context, teacher, signIn }) => {
  await signIn(context, teacher.user);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
  // Specs share one server: end a session another test (or a retry) left running on CS101.
  const { courses } = await (await page.request.get("/api/courses")).json();
  const cs101 = courses.find((c: any) => c.code === "CS101");
  if (cs101?.activeSessionId) expect((await page.request.post(`/api/sessions/${cs101.activeSessionId}/end`)).status()).toBe(200);
  await page.reload();
  await page.getByRole("link", { name: "Introduction to Computer Science" }).click();
  await expect(page.getByRole("heading", { name: "Introduction to Computer Science", level: 1 })).toBeVisible();

  const settings = page.getByRole("button", { name: "Settings…" });
  await expect(settings).toHaveAttribute("aria-expanded", "false");
  await settings.click();
  await expect(settings).toHaveAttribute("aria-expanded", "true");
  await page.getByLabel("Title").fill("Lab 1");
  await page.getByLabel("QR code changes every (seconds)").fill("3");
  await page.getByLabel("6-digit code changes every (seconds)").fill("0");
  await page.getByRole("button", { name: "Start with these settings" }).click();
  await expect(page.getByText("Use 5 to 300 seconds.")).toBeVisible();
  await expect(page.getByLabel("QR code changes every (seconds)")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);

  await page.getByLabel("QR code changes every (seconds)").fill("15");
  await page.getByRole("button", { name: "Start with these settings" }).click();
  await expect(page).toHaveURL(/\/sessions\/[A-Za-z0-9]+$/);
  const sessionId = page.url().split("/").pop();
  const res = await page.request.get(`/api/sessions/${sessionId}`);
  expect((await res.json()).session).toMatchObject({ title: "Lab 1", rotationSeconds: 15, codeRotationSeconds: 0, lateAfterMinutes: 10, closeAfterMinutes: null });
});
