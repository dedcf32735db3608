import { mkdirSync } from "node:fs";
import type { APIRequestContext, BrowserContext, Page } from "@playwright/test";
import { expectAccessible } from "./support/a11y";
import { E2E_PASSWORD, type NewUserRequest } from "./support/accounts";
import { expect, PHONE, test, type E2EUser } from "./support/fixtures";
import { hydrated } from "./support/hydration";
import { SCREENSHOT_DIR } from "./support/screenshots";

// Running a course (issue 10) in real browsers against the production server:
// a class list imported with a preview, a TA invited by e-mail who registers
// and runs a session, live approvals, settings, a new enroll code, archive.

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;
mkdirSync(SCREENSHOT_DIR, { recursive: true });

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
}

/** A new account of either kind through the e2e server's test-only path (the fixtures' newStudent makes students only). */
async function newUser(e2eApi: APIRequestContext, body: NewUserRequest): Promise<E2EUser> {
  const res = await e2eApi.post("/__e2e/users", { data: body });
  expect(res.status(), await res.text()).toBe(201);
  const { user, token, expiresAt, password } = await res.json();
  return { ...user, token, expiresAt, password };
}

async function createCourse(api: APIRequestContext, body: Record<string, unknown>) {
  const res = await api.post("/api/courses", { data: body });
  expect(res.status()).toBe(201);
  return (await res.json()).course as { id: string; name: string; enrollCode: string };
}

const tab = (page: Page, name: string) => page.getByRole("navigation", { name: "Course sections" }).getByRole("link", { name, exact: true });

test("an owner imports a 40-line class list (preview, then confirm), invites a TA who registers and runs a session", async ({ page, phone, laptop, e2eApi, apiAs, signIn, newStudent }) => {
  test.setTimeout(180_000);
  const owner = await newUser(e2eApi, { kind: "teacher", name: "Dr. Marie Curie" });
  await signIn(page.context(), owner);
  const ownerApi = await apiAs(owner);
  const course = await createCourse(ownerApi, { name: "Radioactivity", code: "PHY240", term: "Spring 2027", timeZone: "Europe/Paris" });

  // Two of the forty already have accounts; one line is broken and one repeats.
  const known = await newStudent({ name: "Irène Joliot" });
  const other = await newStudent({ name: "Pierre Auger" });
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
  await (await hydrated(page.getByRole("button", { name: "Import students" }))).click();
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
  expect((await (await ownerApi.get(`/api/courses/${course.id}/invitations`)).json()).invitations).toEqual([]);
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
  const ta = await laptop.newPage();
  await ta.goto("/register");
  await (await hydrated(ta.getByLabel("Your name"))).fill("Lise Meitner");
  await ta.getByLabel("E-mail").fill(taEmail);
  await ta.getByLabel("Password").fill(E2E_PASSWORD);
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
  await expect(ta.getByRole("main").getByRole("combobox")).toHaveCount(0);
  await ta.goto(`/courses/${course.id}?tab=settings`);
  await expect(tab(ta, "Overview")).toHaveAttribute("aria-current", "page");

  // …and runs a session from the dashboard.
  await ta.goto("/dashboard");
  await card.getByRole("button", { name: "Start session for PHY240 Radioactivity" }).click();
  await expect(ta).toHaveURL(/\/sessions\/[A-Za-z0-9]+$/);
  await expect(ta.getByTestId("phones-connected")).toHaveText("0 phones connected");

  // A student the class list enrolled checks in on their phone; the console counts the phone.
  const code = ((await ta.getByTestId("session-code").textContent()) ?? "").replace(/\s/g, "");
  await signIn(phone, known);
  const studentPage = await phone.newPage();
  await studentPage.goto("/join");
  await (await hydrated(studentPage.getByLabel("Type the 6-digit code"))).fill(code);
  await expect(studentPage.getByRole("heading", { name: /checked in/i })).toBeVisible();
  await expect(ta.getByTestId("phones-connected")).toHaveText("1 phone connected");
  await expect(ta.getByTestId("checked-in-count")).toContainText("1");
  await expectAccessible(ta);
  await shot(ta, "console-phones-connected");
});

test("a student sees a pending request approved live; the owner's page shows the request as it arrives", async ({ page, browser, phone, e2eApi, apiAs, signIn, newStudent }) => {
  test.setTimeout(120_000);
  const owner = await newUser(e2eApi, { kind: "teacher", name: "Dr. Rosalind Franklin" });
  await signIn(page.context(), owner);
  const course = await createCourse(await apiAs(owner), { name: "Crystallography", code: "CHM330", autoApprove: false });
  await page.goto(`/courses/${course.id}?tab=students`);
  await hydrated(page.getByLabel("Search students"));

  await signIn(phone, await newStudent({ name: "Maurice Wilkins" }));
  const student = await phone.newPage();
  await student.goto("/dashboard");
  await (await hydrated(student.getByLabel("Enroll code"))).fill(course.enrollCode);
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
  const smallContext: BrowserContext = await browser.newContext({ ...PHONE });
  await signIn(smallContext, owner);
  const small = await smallContext.newPage();
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
  await smallContext.close();
});

test("settings: every field with a hint, a new enroll code updates open staff pages, archive hides the course behind a toggle", async ({ page, browser, laptop, e2eApi, apiAs, signIn }) => {
  test.setTimeout(120_000);
  const owner = await newUser(e2eApi, { kind: "teacher", name: "Dr. Chien-Shiung Wu" });
  await signIn(page.context(), owner);
  const ownerApi = await apiAs(owner);
  const course = await createCourse(ownerApi, { name: "Nuclear Physics", code: "PHY410" });
  const ta = await newUser(e2eApi, { kind: "teacher", name: "Tsung-Dao Lee" });
  expect((await ownerApi.post(`/api/courses/${course.id}/staff`, { data: { email: ta.email, role: "ta" } })).status()).toBe(201);
  await signIn(laptop, ta);
  const taPage = await laptop.newPage();
  await taPage.goto(`/courses/${course.id}`);
  await expect(taPage.getByTestId("course-enroll-code")).toHaveText(course.enrollCode);

  await page.goto(`/courses/${course.id}?tab=settings`);
  await hydrated(page.getByRole("button", { name: "Save settings" }));
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
  const saved = (await (await ownerApi.get(`/api/courses/${course.id}`)).json()).course;
  expect(saved).toMatchObject({ lateAfterMinutes: 7, warnBelowPercent: 70, timeZone: "America/New_York" });
  await expectAccessible(page);
  await shot(page, "course-settings");

  // A new enroll code: the confirmation says the old one stops working; the TA's open page shows the new one.
  await page.getByRole("button", { name: "Make a new enroll code" }).click();
  const dialog = page.getByRole("dialog", { name: "Make a new enroll code?" });
  await expect(dialog).toContainText(`The code ${course.enrollCode}, its link and its QR code stop working at once`);
  await dialog.getByRole("button", { name: "Make a new code" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The new enroll code is" })).toBeVisible();
  const fresh = (await (await ownerApi.get(`/api/courses/${course.id}`)).json()).course.enrollCode;
  expect(fresh).not.toBe(course.enrollCode);
  await expect(taPage.getByTestId("course-enroll-code")).toHaveText(fresh);
  expect((await ownerApi.post("/api/enroll", { data: { code: course.enrollCode } })).status()).toBe(404);

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

  const smallContext = await browser.newContext({ ...PHONE });
  await signIn(smallContext, owner);
  const small = await smallContext.newPage();
  await small.goto(`/courses/${course.id}?tab=settings`);
  await expect(small.getByLabel("Course name", { exact: true })).toHaveValue("Nuclear Physics");
  await shot(small, "course-settings-phone");
  await smallContext.close();
});
