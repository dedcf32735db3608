import { mkdirSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { SCREENSHOT_DIR } from "./support/screenshots";

// Running a course (issue 10) in real browsers against the production server:
// a class list imported with a preview, a TA invited by e-mail who registers
// and runs a session, live approvals, settings, a new enroll code, archive.

const PASSWORD = "correct horse battery";
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;
mkdirSync(SCREENSHOT_DIR, { recursive: true });

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
}

/** No serious or critical axe findings; the message lists what and where. */
async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/** An account made through the API and signed in the way the login form does it. */
async function account(request: APIRequestContext, kind: "teacher" | "student", name: string, email = unique(kind)) {
  const reg = await request.post("/api/register", { data: { name, email, password: PASSWORD, kind } });
  expect(reg.status(), await reg.text()).toBe(201);
  await signIn(request, email);
  return { email, name, id: (await reg.json()).user.id as string };
}

async function signIn(request: APIRequestContext, email: string) {
  const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
  const res = await request.post("/api/auth/callback/credentials", { form: { csrfToken, email, password: PASSWORD, json: "true" } });
  expect(res.ok()).toBeTruthy();
}

async function phone(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
}

async function createCourse(request: APIRequestContext, body: Record<string, unknown>) {
  const res = await request.post("/api/courses", { data: body });
  expect(res.status()).toBe(201);
  return (await res.json()).course as { id: string; name: string; enrollCode: string };
}

const tab = (page: Page, name: string) => page.getByRole("navigation", { name: "Course sections" }).getByRole("link", { name, exact: true });

test("an owner imports a 40-line class list (preview, then confirm), invites a TA who registers and runs a session", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await account(page.request, "teacher", "Dr. Marie Curie");
  const course = await createCourse(page.request, { name: "Radioactivity", code: "PHY240", term: "Spring 2027", timeZone: "Europe/Paris" });

  // Two of the forty already have accounts; one line is broken and one repeats.
  const phoneCtx = await phone(browser);
  const known = await account(phoneCtx.request, "student", "Irène Joliot");
  const otherCtx = await browser.newContext();
  const other = await account(otherCtx.request, "student", "Pierre Auger");
  await otherCtx.close();
  const rows = [
    `S-0001;"Joliot, Irène";${known.email.toUpperCase()}`,
    `S-0002;Pierre Auger;${other.email}`,
    ...Array.from({ length: 36 }, (_, i) => `S-${String(i + 3).padStart(4, "0")};"Student ${i + 3}, Test";listed${i + 3}-${course.id.toLowerCase()}@example.test`),
    `S-0039;Broken Line;not-an-e-mail`,
    `S-0003;"Student 3, Test";listed3-${course.id.toLowerCase()}@example.test`,
  ];
  expect(rows).toHaveLength(40);
  // Excel's "CSV UTF-8" from a European locale: BOM, semicolons, CRLF.
  const csv = Buffer.from(`\uFEFFStudent number;Name;E-mail\r\n${rows.join("\r\n")}\r\n`, "utf8");

  await page.goto(`/courses/${course.id}`);
  await expect(tab(page, "Overview")).toHaveAttribute("aria-current", "page");
  await tab(page, "Students").click();
  await expect(page).toHaveURL(new RegExp(`/courses/${course.id}\\?tab=students$`));
  await expect(tab(page, "Students")).toHaveAttribute("aria-current", "page");
  await page.getByRole("button", { name: "Import students" }).click();
  await page.getByLabel("Upload a CSV file").setInputFiles({ name: "radioactivity-class-list.csv", mimeType: "text/csv", buffer: csv });
  await page.getByRole("button", { name: "Check the list" }).click();

  const preview = page.getByTestId("import-preview");
  await expect(preview).toContainText("2 will be enrolled");
  await expect(preview).toContainText("36 will be invited");
  await expect(preview).toContainText("0 already enrolled");
  await expect(page.getByText("2 lines will be skipped")).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "not-an-e-mail" })).toContainText("40");
  await expect(page.getByRole("row").filter({ hasText: "Repeats line 4" })).toContainText("41");
  // The dry run wrote nothing.
  expect((await (await page.request.get(`/api/courses/${course.id}/invitations`)).json()).invitations).toEqual([]);
  await expectAccessible(page);
  await shot(page, "course-import-preview");

  await page.getByRole("button", { name: "Import 38 students" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Class list imported" })).toContainText("2 enrolled, 36 invited");
  await expect(page.getByRole("list", { name: "Students of the course" }).getByRole("listitem")).toHaveCount(2);
  await expect(page.getByRole("heading", { name: /Invited, no account yet/ })).toContainText("(36)");
  await page.getByLabel("Search students").fill("joliot");
  await expect(page.getByRole("list", { name: "Students of the course" })).toContainText("S-0001");
  await page.getByLabel("Search students").fill("");
  await expectAccessible(page);
  await shot(page, "course-students");

  // Staff: invite a TA who has no account yet.
  const taEmail = unique("ta");
  await tab(page, "Staff").click();
  await expect(page.getByTestId("last-owner-note")).toContainText("You are the course's only teacher (owner), so you cannot leave");
  await expect(page.getByRole("button", { name: "Leave the course" })).toHaveCount(0);
  await page.getByLabel("E-mail").fill(taEmail);
  await page.getByRole("radio", { name: /Teaching assistant/ }).check();
  await page.getByRole("button", { name: "Add to staff" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The invitation waits" })).toBeVisible();
  const staffList = page.getByRole("list", { name: "Staff" });
  await expect(staffList.getByRole("listitem").filter({ hasText: taEmail })).toContainText("Invited");
  await expectAccessible(page);

  // The TA registers (in a browser of their own) and lands on a dashboard that lists the course.
  const taCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const ta = await taCtx.newPage();
  await ta.goto("/register");
  await ta.getByLabel("Your name").fill("Lise Meitner");
  await ta.getByLabel("E-mail").fill(taEmail);
  await ta.getByLabel("Password").fill(PASSWORD);
  await ta.getByRole("button", { name: "Create account" }).click();
  await expect(ta).toHaveURL(/\/dashboard$/);
  const card = ta.getByRole("listitem").filter({ has: ta.getByRole("heading", { name: "Radioactivity" }) });
  await expect(card).toBeVisible();

  // The owner's open Staff tab shows the TA as active, without a reload.
  await expect(staffList.getByRole("listitem").filter({ hasText: "Lise Meitner" })).toBeVisible();
  await expect(staffList.getByRole("listitem").filter({ hasText: "Lise Meitner" })).not.toContainText("Invited");
  await shot(page, "course-staff");

  // The TA sees the tabs a TA may use, and no staff buttons.
  await ta.goto(`/courses/${course.id}?tab=staff`);
  await expect(tab(ta, "Settings")).toHaveCount(0);
  await expect(ta.getByRole("button", { name: "Add to staff" })).toHaveCount(0);
  await expect(ta.getByRole("combobox")).toHaveCount(0);
  await ta.goto(`/courses/${course.id}?tab=settings`);
  await expect(tab(ta, "Overview")).toHaveAttribute("aria-current", "page");

  // …and runs a session from the dashboard.
  await ta.goto("/dashboard");
  await card.getByRole("button", { name: "Start session for PHY240 Radioactivity" }).click();
  await expect(ta).toHaveURL(/\/sessions\/[A-Za-z0-9]+$/);
  await expect(ta.getByTestId("phones-connected")).toHaveText("0 phones connected");

  // A student the class list enrolled checks in on their phone; the console counts the phone.
  const code = ((await ta.getByTestId("session-code").textContent()) ?? "").replace(/\s/g, "");
  const studentPage = await phoneCtx.newPage();
  await studentPage.goto("/join");
  await studentPage.getByLabel(/6-digit code/i).fill(code);
  await expect(studentPage.getByRole("heading", { name: /checked in/i })).toBeVisible();
  await expect(ta.getByTestId("phones-connected")).toHaveText("1 phone connected");
  await expect(ta.getByTestId("checked-in-count")).toContainText("1");
  await expectAccessible(ta);
  await shot(ta, "console-phones-connected");
  await taCtx.close();
  await phoneCtx.close();
});

test("a student sees a pending request approved live; the owner's page shows the request as it arrives", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await account(page.request, "teacher", "Dr. Rosalind Franklin");
  const course = await createCourse(page.request, { name: "Crystallography", code: "CHM330", autoApprove: false });
  await page.goto(`/courses/${course.id}?tab=students`);
  await expect(page.getByRole("heading", { name: "Students", exact: false }).first()).toBeVisible();

  const ctx = await phone(browser);
  const student = await ctx.newPage();
  await account(ctx.request, "student", "Maurice Wilkins");
  await student.goto("/dashboard");
  await student.getByLabel("Enroll code").fill(course.enrollCode);
  await student.getByRole("button", { name: "Enroll", exact: true }).click();
  const pendingCard = student.getByRole("listitem").filter({ has: student.getByRole("heading", { name: "Crystallography" }) });
  await expect(pendingCard).toContainText("Waiting for approval");

  // The owner did not reload: the request appears on the Students tab.
  const pending = page.getByRole("region", { name: /Waiting for approval/ });
  await expect(pending).toContainText("Maurice Wilkins");
  await expectAccessible(page);
  await shot(page, "course-students-pending");
  await pending.getByRole("button", { name: "Approve Maurice Wilkins" }).click();
  await expect(page.getByRole("list", { name: "Students of the course" })).toContainText("Maurice Wilkins");

  // …and the student's dashboard flips to enrolled without a reload.
  await expect(pendingCard).toContainText("Enrolled");
  await expectAccessible(student);

  // Students tab on a phone-sized screen.
  const small = await (await phone(browser)).newPage();
  await signIn(small.context().request, (await (await page.request.get("/api/me")).json()).user.email);
  await small.goto(`/courses/${course.id}?tab=students`);
  await expect(small.getByRole("list", { name: "Students of the course" })).toContainText("Maurice Wilkins");
  await shot(small, "course-students-phone");

  // Dropping asks first, and says what it means.
  await page.getByRole("button", { name: "Drop Maurice Wilkins" }).click();
  const dialog = page.getByRole("dialog", { name: "Drop Maurice Wilkins?" });
  await expect(dialog).toContainText("records are kept");
  await dialog.getByRole("button", { name: "Drop student" }).click();
  await expect(page.getByRole("button", { name: "Re-admit Maurice Wilkins" })).toBeVisible();
  await expect(pendingCard).toContainText("Dropped");
  await ctx.close();
  await small.context().close();
});

test("settings: every field with a hint, a new enroll code updates open staff pages, archive hides the course behind a toggle", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const owner = await account(page.request, "teacher", "Dr. Chien-Shiung Wu");
  const course = await createCourse(page.request, { name: "Nuclear Physics", code: "PHY410" });
  const taCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const ta = await account(taCtx.request, "teacher", "Tsung-Dao Lee");
  expect((await page.request.post(`/api/courses/${course.id}/staff`, { data: { email: ta.email, role: "ta" } })).status()).toBe(201);
  const taPage = await taCtx.newPage();
  await taPage.goto(`/courses/${course.id}`);
  await expect(taPage.getByTestId("course-enroll-code")).toHaveText(course.enrollCode);

  await page.goto(`/courses/${course.id}?tab=settings`);
  for (const label of ["Course name", "Short code", "Term", "Late after (minutes)", "Close check-in after (minutes)", "QR code changes every (seconds)", "6-digit code changes every (seconds)", "Time zone", "A late counts as", "Warn below (%)"]) {
    await expect(page.getByLabel(label, { exact: true })).toBeVisible();
  }
  await expect(page.getByLabel("Approve students automatically")).toBeChecked();
  await page.getByLabel("Late after (minutes)").fill("7");
  await page.getByLabel("Warn below (%)").fill("150");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Use 0 to 100 (0 turns warnings off).")).toBeVisible();
  await page.getByLabel("Warn below (%)").fill("70");
  await page.getByLabel("Time zone").selectOption("America/New_York");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Settings saved" })).toBeVisible();
  const saved = (await (await page.request.get(`/api/courses/${course.id}`)).json()).course;
  expect(saved).toMatchObject({ lateAfterMinutes: 7, warnBelowPercent: 70, timeZone: "America/New_York" });
  await expectAccessible(page);
  await shot(page, "course-settings");

  // A new enroll code: the confirmation says the old one stops working; the TA's open page shows the new one.
  await page.getByRole("button", { name: "Make a new enroll code" }).click();
  const dialog = page.getByRole("dialog", { name: "Make a new enroll code?" });
  await expect(dialog).toContainText(`The code ${course.enrollCode}, its link and its QR code stop working at once`);
  await dialog.getByRole("button", { name: "Make a new code" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The new enroll code is" })).toBeVisible();
  const fresh = (await (await page.request.get(`/api/courses/${course.id}`)).json()).course.enrollCode;
  expect(fresh).not.toBe(course.enrollCode);
  await expect(taPage.getByTestId("course-enroll-code")).toHaveText(fresh);
  expect((await page.request.post("/api/enroll", { data: { code: course.enrollCode } })).status()).toBe(404);

  // Archive: confirmation, banner, off the dashboard except behind "Show archived courses"; restore brings it back.
  await page.getByRole("button", { name: "Archive course" }).click();
  await page.getByRole("dialog", { name: "Archive Nuclear Physics?" }).getByRole("button", { name: "Archive" }).click();
  await expect(page.getByTestId("archived-banner")).toBeVisible();
  await expect(taPage.getByTestId("archived-banner")).toContainText("An owner of the course can restore it");
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "Nuclear Physics" })).toHaveCount(0);
  const archived = page.getByTestId("archived-courses");
  await archived.getByText("Show archived courses").click();
  await expect(archived.getByRole("link", { name: "PHY410 Nuclear Physics" })).toBeVisible();
  await expectAccessible(page);
  await shot(page, "dashboard-archived");
  await archived.getByRole("link", { name: "PHY410 Nuclear Physics" }).click();
  await tab(page, "Settings").click();
  await page.getByRole("button", { name: "Restore course" }).click();
  await expect(page.getByTestId("archived-banner")).toHaveCount(0);

  const small = await (await phone(browser)).newPage();
  await signIn(small.context().request, owner.email);
  await small.goto(`/courses/${course.id}?tab=settings`);
  await expect(small.getByLabel("Course name", { exact: true })).toHaveValue("Nuclear Physics");
  await shot(small, "course-settings-phone");
  await small.context().close();
  await taCtx.close();
});
