import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext, BrowserContext, Page } from "@playwright/test";
import Papa from "papaparse";
import { expectAccessible } from "./support/a11y";
import { expect, LAPTOP, test, type E2EUser } from "./support/fixtures";
import { hydrated } from "./support/hydration";
import { DOC_SCREENSHOTS, SCREENSHOT_DIR } from "./support/screenshots";

// The term (SPEC §10, §12): a teacher creates a course in their own time zone
// and runs three sessions; a student on a phone sees their own history and
// nobody else's; the teacher opens the report, filters at-risk, exports both
// layouts, changes a past mark from the student's page (the open report
// follows live) and reviews the ended session with its audit trail.

// The class, by name (the report sorts them in this order).
const UMAR = "Umar Farouk";
const VERA = "Vera Novak";
const WEN = "Wen Li";
const XIMENA = "Ximena Ramirez";
const PEOPLE = [UMAR, VERA, WEN, XIMENA];
const TEACHER_ZONE = "America/New_York";

test.describe.configure({ mode: "serial" });

/** Screenshots go to docs/screenshots with E2E_SCREENSHOTS=1, else to test-results/screenshots to be looked at. */
async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage, animations: "disabled" });
}

function collectErrors(page: Page, into: string[]): void {
  page.on("pageerror", (e) => into.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource|net::ERR_/.test(m.text())) into.push(`${page.url()}: ${m.text()}`);
  });
}

function parseCsv(bytes: Buffer): string[][] {
  expect([...bytes.subarray(0, 3)], "UTF-8 BOM").toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString("utf8").slice(1);
  expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

/** `YYYY-MM-DD HH:mm` in a zone, as the CSV's column headers write it. */
function zoned(iso: string, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

type Term = { courseId: string; sessions: string[]; students: Record<string, E2EUser> };
let term: Term;
const errors: string[] = [];

/** Three sessions through the API: check-ins by code, marks by hand, absences at the end. */
async function runTerm(teacher: APIRequestContext, apis: Record<string, APIRequestContext>, students: Record<string, E2EUser>, courseId: string): Promise<string[]> {
  const ids: string[] = [];
  const plans: Array<[string | null, Record<string, "checkin" | "present" | "late" | "absent" | null>]> = [
    ["Week 1 · Intro", { [UMAR]: "checkin", [VERA]: "checkin", [WEN]: "present", [XIMENA]: null }],
    ["Week 2 · Lists", { [UMAR]: "checkin", [VERA]: "late", [WEN]: "present", [XIMENA]: "absent" }],
    [null, { [UMAR]: "present", [VERA]: "checkin", [WEN]: "absent", [XIMENA]: null }],
  ];
  for (const [title, plan] of plans) {
    const res = await teacher.post(`/api/courses/${courseId}/sessions`, { data: title ? { title } : {} });
    expect(res.status()).toBe(201);
    const sessionId: string = (await res.json()).session.id;
    ids.push(sessionId);
    for (const [name, what] of Object.entries(plan)) {
      if (what === "checkin") {
        const { code } = await (await teacher.get(`/api/sessions/${sessionId}/code`)).json();
        expect((await apis[name].post("/api/checkin", { data: { code } })).status()).toBe(201);
      } else if (what) {
        expect((await teacher.patch(`/api/sessions/${sessionId}/attendance/${students[name].id}`, { data: { status: what } })).status()).toBe(200);
      }
    }
    expect((await teacher.post(`/api/sessions/${sessionId}/end`)).status()).toBe(200);
  }
  return ids;
}

/** The teacher's laptop in their own time zone, signed in. */
async function teacherLaptop(browser: import("@playwright/test").Browser, signIn: (c: BrowserContext, u: E2EUser) => Promise<void>, user: E2EUser) {
  const context = await browser.newContext({ ...LAPTOP, timezoneId: TEACHER_ZONE, acceptDownloads: true });
  await signIn(context, user);
  return context;
}

test("a teacher creates a course in their own time zone and runs three sessions", async ({ browser, teacher, signIn, newStudent, apiAs }) => {
  const context = await teacherLaptop(browser, signIn, teacher.user);
  const page = await context.newPage();
  collectErrors(page, errors);
  await page.goto("/dashboard");
  // The dashboard's form sends the browser's zone with the course (SPEC §9).
  const code = `REC${Date.now() % 100000}`;
  await (await hydrated(page.getByLabel("Course name"))).fill("Data Structures");
  await page.getByLabel("Short code").fill(code);
  await page.getByLabel("Term").fill("Fall 2026");
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("status").filter({ hasText: "is ready" })).toBeVisible();
  const href = await page.getByRole("link", { name: "Open the course" }).getAttribute("href");
  const courseId = href!.split("/").pop()!;
  const { course } = await (await teacher.api.get(`/api/courses/${courseId}`)).json();
  expect(course.timeZone).toBe(TEACHER_ZONE);
  // A late counts half in this course (the owner's setting, SPEC §9).
  expect((await teacher.api.patch(`/api/courses/${courseId}`, { data: { lateCredit: 0.5 } })).status()).toBe(200);
  await context.close();

  const students: Record<string, E2EUser> = {};
  const apis: Record<string, APIRequestContext> = {};
  for (const name of PEOPLE) {
    students[name] = await newStudent({ name, enrollIn: courseId });
    apis[name] = await apiAs(students[name]);
  }
  term = { courseId, sessions: await runTerm(teacher.api, apis, students, courseId), students };
});

test("a student on a phone sees their own history and the kind warning, and nobody else's", async ({ phone, signIn }) => {
  await signIn(phone, term.students[XIMENA]);
  const page = await phone.newPage();
  collectErrors(page, errors);

  await page.goto("/dashboard");
  const warning = page.getByTestId("at-risk-warning");
  await expect(warning).toContainText("Your attendance in");
  await expect(warning).toContainText("0%, below the 80% the course asks for");
  await expectAccessible(page, "the student's dashboard with a warning");
  await shot(page, "dashboard-at-risk-390.png");

  await page.getByRole("link", { name: "Data Structures" }).first().click();
  await expect(page).toHaveURL(new RegExp(`/courses/${term.courseId}$`));
  await expect(page.getByRole("heading", { name: "Data Structures" })).toBeVisible();
  const sessions = page.getByRole("list", { name: "Your sessions" }).getByRole("listitem");
  await expect(sessions).toHaveCount(3);
  await expect(sessions.filter({ hasText: "Absent" })).toHaveCount(3);
  await expect(page.getByTestId("standing-rate")).toHaveText("0%");
  await expect(page.getByTestId("at-risk-warning")).toBeVisible();
  const text = await page.locator("main").innerText();
  for (const other of [UMAR, VERA, WEN]) expect(text).not.toContain(other.split(" ")[0]);
  await expectAccessible(page, "the student's course page");
  await shot(page, "student-course-390.png", true);

  // Another student's page and the report are not theirs to see.
  await page.goto(`/courses/${term.courseId}/students/${term.students[UMAR].id}`);
  await expect(page.getByRole("heading", { name: "This page is for the course's teachers" })).toBeVisible();
  await expect(page.locator("main")).not.toContainText(UMAR);
  expect((await phone.request.get(`/api/courses/${term.courseId}/report`)).status()).toBe(403);
  expect((await phone.request.get(`/api/courses/${term.courseId}/students/${term.students[UMAR].id}/attendance`)).status()).toBe(403);
});

test("the teacher opens the report, filters at-risk, exports, changes a past mark and sees the report follow", async ({ browser, teacher, signIn }) => {
  test.setTimeout(120_000);
  const context = await teacherLaptop(browser, signIn, teacher.user);
  const report = await context.newPage();
  collectErrors(report, errors);
  await report.goto(`/courses/${term.courseId}?tab=report`);
  await expect(report.getByRole("link", { name: "Report" })).toHaveAttribute("aria-current", "page");
  await expect(report.getByTestId("summary-sessions")).toHaveText("3");
  await expect(report.getByTestId("summary-at-risk")).toHaveText("2");
  await expect(report.getByTestId("summary-average")).toHaveText("62.5%");
  const grid = report.getByTestId("report-grid");
  const rows = grid.locator("tbody tr[data-student-id]");
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toContainText(UMAR);
  await expect(rows.nth(1)).toContainText("83.3%");
  // Status as letter and colour: Vera was late in week 2.
  await expect(rows.nth(1).locator("td").nth(2)).toHaveText(/L\s*Late/);
  await expect(report.locator("figure")).toHaveCount(2);
  await expectAccessible(report, "the report");
  await shot(report, "report-1280.png", true);

  await test.step("sort by rate and filter the students at risk", async () => {
    await (await hydrated(report.getByRole("button", { name: /Rate/ }))).click();
    await expect(rows.nth(0)).toContainText(XIMENA);
    await expect(grid.getByRole("columnheader", { name: /Rate/ })).toHaveAttribute("aria-sort", "ascending");
    await report.getByLabel(/Only students at risk/).check();
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText(XIMENA);
    await expect(rows.nth(1)).toContainText(WEN);
    await report.getByLabel(/Only students at risk/).uncheck();
    await report.getByRole("button", { name: /Student/ }).click();
    await expect(rows.nth(0)).toContainText(UMAR);
  });

  await test.step("both exports download and parse", async () => {
    const [matrixFile] = await Promise.all([report.waitForEvent("download"), report.getByTestId("export-matrix").click()]);
    expect(matrixFile.suggestedFilename()).toMatch(/^REC\d+-attendance-\d{4}-\d{2}-\d{2}\.csv$/);
    const matrix = parseCsv(readFileSync((await matrixFile.path())!));
    const api = await (await teacher.api.get(`/api/courses/${term.courseId}/report`)).json();
    expect(matrix[0]).toEqual([
      "Name",
      "Email",
      "Student number",
      `${zoned(api.sessions[0].startedAt, TEACHER_ZONE)} – Week 1 · Intro`,
      `${zoned(api.sessions[1].startedAt, TEACHER_ZONE)} – Week 2 · Lists`,
      zoned(api.sessions[2].startedAt, TEACHER_ZONE),
      "Present",
      "Late",
      "Absent",
      "Excused",
      "Rate %",
    ]);
    expect(matrix.slice(1).map((r) => [r[0], ...r.slice(3)])).toEqual([
      [UMAR, "present", "present", "present", "3", "0", "0", "0", "100"],
      [VERA, "present", "late", "present", "2", "1", "0", "0", "83.3"],
      [WEN, "present", "present", "absent", "2", "0", "1", "0", "66.7"],
      [XIMENA, "absent", "absent", "absent", "0", "0", "3", "0", "0"],
    ]);
    expect(matrix[1][1]).toBe(term.students[UMAR].email);
    const [recordsFile] = await Promise.all([report.waitForEvent("download"), report.getByTestId("export-records").click()]);
    const lines = parseCsv(readFileSync((await recordsFile.path())!));
    expect(lines[0]).toEqual(["Name", "Email", "Student number", "Session", "Started", "Status", "Method", "Checked in at", "Late minutes", "Note", "Marked by"]);
    expect(lines).toHaveLength(1 + 12);
    const umar1 = lines.find((l) => l[0] === UMAR && l[3] === "Week 1 · Intro")!;
    expect(umar1[6]).toBe("code");
    expect(umar1[7]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00$/);
    expect(lines.find((l) => l[0] === XIMENA && l[3] === "Week 1 · Intro")!.slice(5, 7)).toEqual(["absent", "auto"]);
    await csvAsTable(context, matrix);
  });

  await test.step("a past mark changed from the student's page: audited, and the open report follows live", async () => {
    const studentPage = await context.newPage();
    collectErrors(studentPage, errors);
    await studentPage.goto(`/courses/${term.courseId}/students/${term.students[WEN].id}`);
    await expect(studentPage.getByRole("heading", { name: WEN })).toBeVisible();
    await expect(studentPage.getByTestId("standing-rate")).toHaveText("66.7%");
    const last = studentPage.locator(`li[data-session-id="${term.sessions[2]}"]`);
    await expect(last).toHaveAttribute("data-status", "absent");
    await expectAccessible(studentPage, "the per-student page");
    await shot(studentPage, "student-records-1280.png", true);
    await (await hydrated(last.getByRole("button", { name: "Present" }))).click();
    await expect(last).toHaveAttribute("data-status", "present");
    await expect(studentPage.getByTestId("standing-rate")).toHaveText("100%");
    await expect(last.getByRole("button", { name: "Present" })).toHaveAttribute("aria-pressed", "true");
    await studentPage.setViewportSize({ width: 390, height: 844 });
    await expectAccessible(studentPage, "the per-student page on a phone");
    await shot(studentPage, "student-records-390.png");
    await studentPage.close();

    // The report page stayed open: it hears the mark and fetches itself again.
    await expect(report.getByTestId("summary-at-risk")).toHaveText("1");
    await expect(report.getByTestId("summary-average")).toHaveText("70.8%");
    await expect(rows.filter({ hasText: WEN })).toContainText("100%");
  });

  await test.step("the ended session's review: final roster, the change in the audit trail, export of the session", async () => {
    const review = await context.newPage();
    collectErrors(review, errors);
    await review.goto(`/sessions/${term.sessions[2]}`);
    await expect(review.getByRole("heading", { name: "Session ended" })).toBeVisible();
    const trail = review.getByTestId("audit-trail");
    await expect(trail.locator('tr[data-action="mark"]').filter({ hasText: WEN }).last()).toContainText("Absent → Present");
    await expect(trail.locator('tr[data-action="auto_absent"]')).toHaveCount(1);
    const [file] = await Promise.all([review.waitForEvent("download"), review.getByTestId("export-session").click()]);
    const lines = parseCsv(readFileSync((await file.path())!));
    expect(lines.slice(1).map((l) => [l[0], l[5]])).toEqual([
      [UMAR, "present"],
      [VERA, "present"],
      [WEN, "present"],
      [XIMENA, "absent"],
    ]);
    await expectAccessible(review, "the session review");
    await shot(review, "session-review-1280.png", true);
    await review.close();
  });

  await test.step("the sessions tab lists every session with counts and rates", async () => {
    await report.goto(`/courses/${term.courseId}?tab=sessions`);
    const table = report.getByRole("region", { name: "Sessions" });
    await expect(table.locator("tbody tr")).toHaveCount(3);
    await expect(table.locator("tbody tr").first()).not.toContainText("Week");
    await expect(table.locator("tbody tr").nth(1)).toContainText("Week 2 · Lists");
    await expectAccessible(report, "the sessions tab");
    await shot(report, "sessions-1280.png");
    await report.goto(`/courses/${term.courseId}?tab=report`);
    await report.setViewportSize({ width: 390, height: 844 });
    await expect(report.getByTestId("report-grid")).toBeVisible();
    await expectAccessible(report, "the report on a phone");
    await shot(report, "report-390.png", true);
  });
  await context.close();
  expect(errors).toEqual([]);
});

test("docs: the report of a fuller term, for the README", async ({ browser, teacher, signIn, newStudent, serverClock }) => {
  test.skip(!DOC_SCREENSHOTS, "only when taking the docs' screenshots (E2E_SCREENSHOTS=1)");
  test.setTimeout(180_000);
  const created = await teacher.api.post("/api/courses", { data: { name: "Cell Biology", code: "BIO201", term: "Fall 2026", timeZone: TEACHER_ZONE, lateCredit: 0.5 } });
  expect(created.status()).toBe(201);
  const courseId: string = (await created.json()).course.id;
  const names = ["Ada Okafor", "Ben Schmidt", "Chloe Martin", "Diego Silva", "Emma Haddad", "Farah Nguyen", "Gabe Sato", "Hana Petrov", "Ivan Moreau", "Jade Mensah", "Kofi Fischer", "Lena Garcia", "Mateo Kowalski", "Nina Aziz"];
  const people = [];
  for (const name of names) people.push(await newStudent({ name, enrollIn: courseId }));
  // A fixed pattern: most come, some are late, a few miss often, one was ill for a week.
  const mark = (i: number, w: number): "present" | "late" | "absent" | "excused" => {
    if (i === 3 && (w === 2 || w === 3)) return "excused";
    if ((i === 6 || i === 11) && w % 2 === 1) return "absent";
    if (i === 9 && w > 3) return "absent";
    if ((i * 7 + w * 3) % 11 === 0) return "late";
    if ((i * 5 + w) % 17 === 0) return "absent";
    return "present";
  };
  const titles = ["Cells", "Membranes", "Transport", "Energy", "Enzymes", "Respiration", "Photosynthesis", "Review"];
  for (let w = 0; w < titles.length; w++) {
    // Mondays and Wednesdays (the fixture puts the server clock back after the test).
    if (w > 0) await serverClock.advance((w % 2 === 1 ? 2 : 5) * 86_400_000);
    const started = await teacher.api.post(`/api/courses/${courseId}/sessions`, { data: { title: titles[w] } });
    const sessionId = (await started.json()).session.id;
    for (let i = 0; i < people.length; i++) {
      expect((await teacher.api.patch(`/api/sessions/${sessionId}/attendance/${people[i].id}`, { data: { status: mark(i, w) } })).status()).toBe(200);
    }
    expect((await teacher.api.post(`/api/sessions/${sessionId}/end`)).status()).toBe(200);
  }
  const context = await teacherLaptop(browser, signIn, teacher.user);
  const page = await context.newPage();
  await page.goto(`/courses/${courseId}?tab=report`);
  await expect(page.getByTestId("report-grid").locator("tbody tr[data-student-id]")).toHaveCount(names.length);
  await expectAccessible(page, "the fuller report");
  await shot(page, "report-term-1280.png", true);
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-matrix").click()]);
  await csvAsTable(context, parseCsv(readFileSync((await file.path())!)), "csv-term-as-table.png");
  await context.close();
});

/** The matrix CSV as a spreadsheet shows it (column letters, row numbers, grid), drawn in Chromium for the README. */
async function csvAsTable(context: BrowserContext, rows: string[][], name = "csv-as-table.png"): Promise<void> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1600, height: 600 });
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const letters = rows[0].map((_, i) => String.fromCharCode(65 + i));
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
    body{margin:0;font:13px system-ui,sans-serif;background:#fff}
    table{border-collapse:collapse}
    td,th{border:1px solid #d4d4d8;padding:3px 8px;white-space:nowrap;text-align:left}
    th{background:#f4f4f5;color:#52525b;font-weight:500;text-align:center}
    tr:nth-child(2) td{font-weight:600;background:#fafafa}
    td.n{text-align:right}
  </style></head><body><table>
    <tr><th></th>${letters.map((l) => `<th>${l}</th>`).join("")}</tr>
    ${rows.map((r, i) => `<tr><th>${i + 1}</th>${r.map((c) => `<td class="${/^\d+(\.\d+)?$/.test(c) ? "n" : ""}">${esc(c)}</td>`).join("")}</tr>`).join("")}
  </table></body></html>`;
  await page.setContent(html);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.locator("table").screenshot({ path: path.join(SCREENSHOT_DIR, name) });
  await page.close();
}
