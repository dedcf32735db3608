import path from "node:path";
import { mkdirSync } from "node:fs";
import { expectAccessible } from "./support/a11y";
import { expect, test } from "./support/fixtures";
import { hydrated } from "./support/hydration";
import { SCREENSHOT_DIR } from "./support/screenshots";

/**
 * "Mark remaining…" on the teacher's console (issue 12 item 14): a confirmation that names the count and the
 * status, the roster changing live, an undo that brings the students back to "Not yet", and a second console (a TA
 * on another laptop) following both without a reload.
 */
test("marks the remaining students absent after a confirmation, then undoes it", async ({ laptop, browser, e2eApi, signIn, apiAs }) => {
  test.setTimeout(120_000);
  const made = await (await e2eApi.post("/__e2e/users", { data: { name: "Dr. Grace Hopper", kind: "teacher" } })).json();
  const teacher = { ...made.user, token: made.token, expiresAt: made.expiresAt, password: "" };
  const api = await apiAs(teacher);
  const course = (await (await api.post("/api/courses", { data: { name: "Bulk Marks", code: `BULK${Date.now() % 100000}`, autoApprove: true } })).json()).course;
  const names = ["Ada Lovelace", "Alan Turing", "Barbara Liskov", "Edsger Dijkstra", "Grace Hopper Jr"];
  const students = [];
  for (const name of names) {
    const r = await e2eApi.post("/__e2e/users", { data: { name, kind: "student", enrollIn: course.id } });
    expect(r.status()).toBe(201);
    students.push(await r.json());
  }
  const started = await api.post(`/api/courses/${course.id}/sessions`, { data: { title: "Week 3" } });
  expect(started.status()).toBe(201);
  const sessionId = (await started.json()).session.id;
  // Ada checks in herself: "mark remaining" leaves her present.
  const ada = await apiAs({ ...students[0].user, token: students[0].token, expiresAt: students[0].expiresAt, password: "" });
  const { code } = await (await api.get(`/api/sessions/${sessionId}/code`)).json();
  expect((await ada.post("/api/checkin", { data: { code } })).status()).toBe(201);

  await signIn(laptop, teacher);
  const page = await laptop.newPage();
  await page.goto(`/sessions/${sessionId}`);
  // A second console (same teacher, another window) follows the bulk mark and the undo live.
  const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await signIn(other, teacher);
  const otherPage = await other.newPage();
  await otherPage.goto(`/sessions/${sessionId}`);

  const row = (p: typeof page, name: string) => p.locator("li[data-student-id]").filter({ hasText: name });
  await expect(row(page, "Ada Lovelace")).toHaveAttribute("data-status", "present");
  await expect(page.getByTestId("count-not-yet")).toHaveText("4");

  const open = await hydrated(page.getByRole("button", { name: "Mark remaining…" }));
  await open.click();
  const dialog = page.getByRole("dialog", { name: "Mark the 4 students not marked yet?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("radio", { name: "Absent" })).toBeChecked();
  await expect(dialog.getByRole("button", { name: "Mark 4 absent" })).toBeVisible();
  await expectAccessible(page, "mark remaining dialog");
  await test.info().attach("mark-remaining-dialog", { body: await page.screenshot(), contentType: "image/png" });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-mark-remaining-dialog-1280.png") });
  // Cancel changes nothing.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("count-not-yet")).toHaveText("4");

  await open.click();
  await dialog.getByRole("button", { name: "Mark 4 absent" }).click();
  const toast = page.getByTestId("bulk-toast");
  await expect(toast).toContainText("Marked 4 students absent.");
  for (const p of [page, otherPage]) {
    for (const name of names.slice(1)) await expect(row(p, name)).toHaveAttribute("data-status", "absent");
    await expect(row(p, "Ada Lovelace")).toHaveAttribute("data-status", "present");
    await expect(p.getByTestId("count-not-yet")).toHaveText("0");
  }
  await expect(row(page, "Alan Turing").getByRole("button", { name: "Absent" })).toHaveAttribute("aria-pressed", "true");
  // Nobody is left to mark: the control goes away, the undo stays.
  await expect(page.getByRole("button", { name: "Mark remaining…" })).toHaveCount(0);
  await expectAccessible(page, "console with the undo offered");
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-bulk-undo-1280.png") });
  await test.info().attach("console-bulk-undo", { body: await page.screenshot(), contentType: "image/png" });

  // Someone changes Alan by hand before the undo: the undo keeps him.
  await row(page, "Alan Turing").getByRole("button", { name: "Late" }).click();
  await expect(row(page, "Alan Turing")).toHaveAttribute("data-status", "late");

  await toast.getByRole("button", { name: "Undo" }).click();
  await expect(toast).toContainText("3 students back to not yet. 1 student changed since was kept.");
  for (const p of [page, otherPage]) {
    for (const name of names.slice(2)) await expect(row(p, name)).toHaveAttribute("data-status", "unmarked");
    await expect(row(p, "Alan Turing")).toHaveAttribute("data-status", "late");
    await expect(p.getByTestId("count-not-yet")).toHaveText("3");
  }
  await expect(page.getByRole("button", { name: "Mark remaining…" })).toBeEnabled();
  await expectAccessible(page, "console after the undo");

  // What the database says agrees with what the console shows.
  const view = await (await api.get(`/api/sessions/${sessionId}`)).json();
  expect(view.counts).toMatchObject({ present: 1, late: 1, absent: 0, unmarked: 3, total: 5 });
  await other.close();
});
