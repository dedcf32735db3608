import { DOC_SCREENSHOTS, SCREENSHOT_DIR } from "./support/screenshots";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext, Locator, Page, WebSocketRoute } from "@playwright/test";
import { DEMO_STUDENT_COUNT } from "./support/accounts";
import { expectAccessible } from "./support/a11y";
import { scanQr } from "./support/qr";
import { expect, test } from "./support/fixtures";

// The demo data from lib/seed/demo.ts (the e2e server seeds a fresh database).
// Approved students of the demo course; other specs may have enrolled more, so it is read from the API.
let TOTAL = DEMO_STUDENT_COUNT;

const SCREENSHOTS = DOC_SCREENSHOTS;
const SHOTS_DIR = SCREENSHOT_DIR;

/** A fresh active session on the demo course (ending one another spec may have left open). */
async function startDemoSession(request: APIRequestContext): Promise<{ sessionId: string; courseId: string }> {
  const { courses } = await (await request.get("/api/courses")).json();
  const course = courses.find((c: any) => c.code === "CS101");
  expect(course, "demo course").toBeTruthy();
  if (course.activeSessionId) await request.post(`/api/sessions/${course.activeSessionId}/end`);
  const res = await request.post(`/api/courses/${course.id}/sessions`, { data: { title: "Lecture 12 · Recursion" } });
  expect(res.status()).toBe(201);
  const { session } = await res.json();
  const { counts } = await (await request.get(`/api/sessions/${session.id}`)).json();
  TOTAL = counts.total;
  return { sessionId: session.id, courseId: course.id };
}

const rowOf = (page: Page, name: string): Locator => page.locator("li[data-student-id]").filter({ hasText: name });

async function consoleCode(page: Page): Promise<string> {
  const text = (await page.getByTestId("session-code").textContent()) ?? "";
  const code = text.replace(/\s/g, "");
  expect(code).toMatch(/^\d{6}$/);
  return code;
}

/** Uncaught errors and console errors (hydration mismatches among them); failed loads while the test cuts the network are expected. */
function collectErrors(page: Page, into: string[]): void {
  page.on("pageerror", (e) => into.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource|net::ERR_/.test(m.text())) into.push(`${page.url()}: ${m.text()}`);
  });
}

async function shot(page: Page, name: string, size: { width: number; height: number }): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.setViewportSize(size);
  // Let layout, the QR and the countdown settle at the new size.
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SHOTS_DIR, name), animations: "disabled" });
}

test.describe("live session: teacher console and projector", () => {
  test.setTimeout(150_000);

  test("check-ins appear live, marks stick, ending closes the projector", async ({ laptop, phone, teacher, demoStudent, signIn, apiAs, serverClock, baseURL }) => {
    // The clock moves forward below for a late check-in; the serverClock fixture puts it back for later specs.
    const studentApi = async (n: number): Promise<APIRequestContext> => apiAs(await demoStudent(n));

    await signIn(laptop, teacher.user);
    const { sessionId } = await startDemoSession(laptop.request);

    // The console's live connection goes through a route we can cut, to prove
    // that a reconnect resyncs from the database instead of trusting events.
    const consolePage = await laptop.newPage();
    const pageErrors: string[] = [];
    collectErrors(consolePage, pageErrors);
    let cut = false;
    const sockets: WebSocketRoute[] = [];
    await consolePage.routeWebSocket(/\/socket\.io\//, (ws) => {
      // While cut, answer like a broken server: the client sees a transport error and retries with backoff.
      if (cut) return void ws.send("not an engine.io packet");
      ws.connectToServer();
      sockets.push(ws);
    });
    await consolePage.route(/\/socket\.io\//, (route) => (cut ? route.abort() : route.continue()));

    await test.step("the console opens live with the QR, the code and every approved student", async () => {
      await consolePage.goto(`/sessions/${sessionId}`);
      await expect(consolePage.getByRole("heading", { level: 1 })).toContainText("Lecture 12 · Recursion");
      await expect(consolePage.locator("[data-connection=connected]")).toBeVisible();
      await expect(consolePage.getByRole("img", { name: "QR code for students to check in" }).locator("svg")).toBeVisible();
      await expect(consolePage.locator("li[data-student-id]")).toHaveCount(TOTAL);
      await expect(consolePage.getByTestId("checked-in-count")).toContainText(`0 / ${TOTAL}`);
      await expect(consolePage.getByRole("timer").first()).toHaveAttribute("aria-label", /New QR code in \d+ seconds/);
    });

    const projector = await laptop.newPage();
    collectErrors(projector, pageErrors);
    await test.step("the projector shows the same code, the count and no names", async () => {
      await projector.goto(`/sessions/${sessionId}/present`);
      await expect(projector.getByTestId("projector-count")).toContainText(`0 / ${TOTAL}`);
      await expect(projector.getByTestId("projector-code")).toHaveText(/^\d{3} \d{3}$/);
      // Both screens show the same code (re-read in case it rotated in between).
      await expect(async () => {
        expect(await projector.getByTestId("projector-code").textContent()).toBe(await consolePage.getByTestId("session-code").textContent());
      }).toPass({ timeout: 5000 });
      await expect(projector.getByTestId("projector-join")).toContainText(/go to\s*localhost:\d+\/join/);
      // The join address is the second-largest text on the screen, after the code (like a quiz game's join banner).
      const px = (l: Locator) => l.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      const address = await px(projector.getByText(/^localhost:\d+\/join$/));
      expect(address).toBeLessThan(await px(projector.getByTestId("projector-code")));
      expect(address).toBeGreaterThan(await px(projector.getByTestId("projector-count").locator("span").first()));
      expect(address).toBeGreaterThan(await px(projector.getByRole("heading", { level: 1 })));
      await expect(projector.getByText("Ada Lovelace")).toHaveCount(0);
      await expect(projector.getByRole("button", { name: "Full screen" })).toBeVisible();
    });

    await test.step("a student checks in by code from a phone: the roster shows it within a second", async () => {
      await signIn(phone, await demoStudent(1));
      const code = await consoleCode(consolePage);
      const res = await phone.request.post("/api/checkin", { data: { code } });
      expect(res.status()).toBe(201);
      const ada = rowOf(consolePage, "Ada Lovelace");
      await expect(ada).toHaveAttribute("data-status", "present", { timeout: 1000 });
      await expect(ada.getByRole("button", { name: "Present" })).toHaveAttribute("aria-pressed", "true");
      await expect(ada.getByTitle("Checked in by typing the 6-digit code")).toBeVisible();
      await expect(consolePage.getByTestId("checked-in-count")).toContainText(`1 / ${TOTAL}`);
      await expect(projector.getByTestId("projector-count")).toContainText(`1 / ${TOTAL}`, { timeout: 1000 });
    });

    await test.step("the projector's QR, scanned from its pixels, checks a student in", async () => {
      const ben = await studentApi(2);
      const url = await scanQr(projector.getByRole("img", { name: "QR code to check in" }), await phone.newPage());
      const token = new URL(url).searchParams.get("t");
      expect(url.startsWith(`${baseURL}/join?t=`)).toBe(true);
      const res = await ben.post("/api/checkin", { data: { token } });
      expect(res.status()).toBe(201);
      await expect(rowOf(consolePage, "Ben Okafor")).toHaveAttribute("data-status", "present", { timeout: 1000 });
      await expect(rowOf(consolePage, "Ben Okafor").getByTitle("Checked in by scanning the QR code")).toBeVisible();
      await expect(projector.getByTestId("projector-count")).toContainText(`2 / ${TOTAL}`);
    });

    await test.step("a check-in missed while disconnected shows up after the reconnect", async () => {
      cut = true;
      for (const ws of sockets.splice(0)) await ws.close();
      await expect(consolePage.getByText(/Connection lost/)).toBeVisible();
      const chloe = await studentApi(3);
      expect((await chloe.post("/api/checkin", { data: { code: await consoleCode(consolePage) } })).status()).toBe(201);
      await expect(projector.getByTestId("projector-count")).toContainText(`3 / ${TOTAL}`);
      // The console did not hear about it...
      await expect(rowOf(consolePage, "Chloe Martin")).toHaveAttribute("data-status", "unmarked");
      cut = false;
      // ...and learns it from the full resync once the socket is back (backoff is at most ~7.5 s).
      await expect(consolePage.getByText(/Connection lost/)).toBeHidden({ timeout: 12_000 });
      await expect(rowOf(consolePage, "Chloe Martin")).toHaveAttribute("data-status", "present", { timeout: 2000 });
      await expect(consolePage.getByTestId("checked-in-count")).toContainText(`3 / ${TOTAL}`);
    });

    await test.step("a phone reused for another student is refused and flagged on the console", async () => {
      await signIn(phone, await demoStudent(5));
      const res = await phone.request.post("/api/checkin", { data: { code: await consoleCode(consolePage) } });
      expect(res.status()).toBe(409);
      expect((await res.json()).error.code).toBe("device_already_used");
      // A badge in the header, in view whatever the teacher is looking at, opens the list.
      const badge = consolePage.getByTestId("flags-badge");
      await expect(badge).toContainText("Flagged1");
      await expect(badge).toBeInViewport();
      await badge.click();
      const flagged = consolePage.getByRole("region", { name: /Flagged attempts/ });
      await expect(flagged).toContainText("Emma Schmidt used the phone Ada Lovelace checked in with");
      await expect(rowOf(consolePage, "Ada Lovelace")).toContainText("flagged");
      await expect(projector.getByText("Emma Schmidt")).toHaveCount(0);
      await expectAccessible(consolePage, "console with the flagged list open");
      // The teacher sees Emma in the room (her own phone is flat): one tap marks her present, then the flag goes.
      await flagged.getByRole("button", { name: "Mark Emma Schmidt present" }).click();
      await expect(rowOf(consolePage, "Emma Schmidt")).toHaveAttribute("data-status", "present");
      await expect(flagged).toContainText("Emma Schmidt is marked present");
      await flagged.getByRole("button", { name: "Dismiss" }).click();
      await expect(flagged).toContainText("None left");
      await badge.click();
      await expect(badge).toBeHidden();
      // Dismissed stays dismissed in this browser.
      await consolePage.reload();
      await expect(consolePage.locator("[data-connection=connected]")).toBeVisible();
      await expect(rowOf(consolePage, "Ada Lovelace")).toContainText("flagged");
      await expect(consolePage.getByTestId("flags-badge")).toHaveCount(0);
    });

    await test.step("a new code replaces the old one on both screens; a check-in 11 minutes in is late", async () => {
      const before = await consoleCode(consolePage);
      await serverClock.advance(11 * 60_000);
      // The new code is the one the button's request answers with. Reading the console as soon as its code differs
      // from `before` was flaky: the clock moved 11 minutes, so the next QR rotation (every 10 s) already pushes the
      // old secret's code for the new time window, and it sometimes arrived just before the new code replaced it.
      const regenerated = consolePage.waitForResponse((r) => r.request().method() === "POST" && /\/api\/sessions\/[^/]+\/code$/.test(r.url()));
      await consolePage.getByRole("button", { name: "New code" }).click();
      const fresh = ((await (await regenerated).json()) as { code: string }).code;
      expect(fresh).not.toBe(before);
      await expect(consolePage.getByTestId("session-code")).toHaveText(fresh.replace(/(\d{3})(\d{3})/, "$1 $2"));
      await expect(projector.getByTestId("projector-code")).toHaveText(fresh.replace(/(\d{3})(\d{3})/, "$1 $2"));
      const diego = await studentApi(4);
      const old = await diego.post("/api/checkin", { data: { code: before } });
      expect([404, 410]).toContain(old.status());
      const res = await diego.post("/api/checkin", { data: { code: fresh } });
      expect(res.status()).toBe(201);
      const row = rowOf(consolePage, "Diego Silva");
      await expect(row).toHaveAttribute("data-status", "late");
      // 11 minutes of server clock plus however long the steps above took on this machine (over a minute when it is
      // busy): the server's own figure, at least 11, is what the row must show.
      const { roster } = await (await laptop.request.get(`/api/sessions/${sessionId}`)).json();
      const lateMinutes = (roster as Array<{ studentName: string; lateMinutes: number | null }>).find((r) => r.studentName === "Diego Silva")!.lateMinutes!;
      expect(lateMinutes).toBeGreaterThanOrEqual(11);
      await expect(row).toContainText(`${lateMinutes} min late`);
    });

    await test.step("one-tap marking updates the row, the counts and the projector", async () => {
      await rowOf(consolePage, "Emma Schmidt").getByRole("button", { name: "Excused" }).click();
      await rowOf(consolePage, "Farah Haddad").getByRole("button", { name: "Absent" }).click();
      await rowOf(consolePage, "Gabe Nguyen").getByRole("button", { name: "Present" }).click();
      await expect(rowOf(consolePage, "Emma Schmidt")).toHaveAttribute("data-status", "excused");
      await expect(rowOf(consolePage, "Farah Haddad")).toHaveAttribute("data-status", "absent");
      await expect(rowOf(consolePage, "Gabe Nguyen")).toHaveAttribute("data-status", "present");
      await expect(rowOf(consolePage, "Gabe Nguyen")).toContainText("By hand");
      await expect(consolePage.getByTestId("checked-in-count")).toContainText(`5 / ${TOTAL}`);
      await expect(consolePage.getByTestId("count-excused")).toHaveText("1");
      await expect(consolePage.getByTestId("count-absent")).toHaveText("1");
      await expect(consolePage.getByTestId("count-not-yet")).toHaveText(String(TOTAL - 7));
      await expect(projector.getByTestId("projector-count")).toContainText(`5 / ${TOTAL}`);
    });

    await test.step("search and status filters narrow the roster", async () => {
      await consolePage.getByRole("searchbox", { name: "Search students" }).fill("lovel");
      await expect(consolePage.locator("li[data-student-id]")).toHaveCount(1);
      await consolePage.getByRole("searchbox", { name: "Search students" }).fill("");
      await consolePage.getByRole("group", { name: "Show students" }).getByRole("button", { name: /^Late/ }).click();
      await expect(consolePage.locator("li[data-student-id]")).toHaveCount(1);
      await expect(rowOf(consolePage, "Diego Silva")).toBeVisible();
      await consolePage.getByRole("group", { name: "Show students" }).getByRole("button", { name: /^All/ }).click();
      await expect(consolePage.locator("li[data-student-id]")).toHaveCount(TOTAL);
    });

    await test.step("no serious accessibility problems on the console and the projector", async () => {
      await expectAccessible(consolePage, "console");
      await expectAccessible(projector, "projector");
    });

    await test.step("screenshots (E2E_SCREENSHOTS=1)", async () => {
      await shot(consolePage, "console-1280.png", { width: 1280, height: 800 });
      await shot(consolePage, "console-1920.png", { width: 1920, height: 1080 });
      await shot(projector, "projector-1280.png", { width: 1280, height: 800 });
      await shot(projector, "projector-1920.png", { width: 1920, height: 1080 });
      await consolePage.setViewportSize({ width: 1280, height: 800 });
      await projector.setViewportSize({ width: 1280, height: 800 });
    });

    await test.step("marks survive a reload (they come from the database)", async () => {
      await consolePage.reload();
      await expect(consolePage.locator("[data-connection=connected]")).toBeVisible();
      await expect(rowOf(consolePage, "Emma Schmidt")).toHaveAttribute("data-status", "excused");
      await expect(rowOf(consolePage, "Diego Silva")).toHaveAttribute("data-status", "late");
      await expect(consolePage.getByTestId("checked-in-count")).toContainText(`5 / ${TOTAL}`);
    });

    await test.step("ending the session asks first, marks the rest absent and closes the projector", async () => {
      // The code on the screen just before the end: after it, it must say session_ended.
      const lastCode = await consoleCode(consolePage);
      await consolePage.getByRole("button", { name: "End session" }).click();
      const dialog = consolePage.getByRole("dialog", { name: "End this session?" });
      await expect(dialog).toContainText(`The ${TOTAL - 7} students not checked in yet will be marked absent`);
      await dialog.getByRole("button", { name: "Keep it open" }).click();
      await expect(dialog).toBeHidden();
      await expect(consolePage.locator("[data-connection=connected]")).toBeVisible();

      await consolePage.getByRole("button", { name: "End session" }).click();
      await dialog.getByRole("button", { name: "End session" }).click();
      await expect(consolePage.getByRole("heading", { name: "Session ended" })).toBeVisible();
      await expect(consolePage.getByRole("img", { name: "QR code for students to check in" })).toHaveCount(0);
      await expect(consolePage.getByRole("button", { name: "New code" })).toHaveCount(0);
      await expect(consolePage.getByTestId("count-absent")).toHaveText(String(TOTAL - 7 + 1));
      await expect(consolePage.getByTestId("count-not-yet")).toHaveText("0");
      await expect(rowOf(consolePage, "Hana Sato")).toHaveAttribute("data-status", "absent");
      await expect(rowOf(consolePage, "Hana Sato")).toContainText("At end");
      // The finished roster is calm: an absent mark is grey, not a wall of red; the absentees can be copied at once.
      const absentMark = rowOf(consolePage, "Hana Sato").getByRole("button", { name: "Absent" });
      await expect(absentMark).toHaveAttribute("aria-pressed", "true");
      // Grey: a light colour with next to no chroma (lab's a and b near 0), where the live console's pressed Absent is red.
      // Polled: the button's colour eases in (transition-colors), so a first read can catch it still white.
      const grey = async () => {
        const bg = await absentMark.evaluate((el) => getComputedStyle(el).backgroundColor);
        const [l, a, b] = (bg.match(/-?[\d.]+/g) ?? []).map(Number);
        return bg.startsWith("lab(") && l > 90 && l < 99 && Math.abs(a) < 5 && Math.abs(b) < 5 ? "grey" : bg;
      };
      await expect.poll(grey).toBe("grey");
      await laptop.grantPermissions(["clipboard-read", "clipboard-write"]);
      await consolePage.getByRole("button", { name: `Copy absentees (${TOTAL - 7 + 1})` }).click();
      const copied = await consolePage.evaluate(() => navigator.clipboard.readText());
      expect(copied.split("\n")).toHaveLength(TOTAL - 7 + 1);
      expect(copied).toContain("Hana Sato");
      expect(copied).not.toContain("Ada Lovelace");
      await expect(projector.getByText("Attendance closed")).toBeVisible();
      await expect(projector.getByTestId("projector-count")).toContainText(`5 / ${TOTAL} checked in`);
      if (SCREENSHOTS) {
        await consolePage.screenshot({ path: test.info().outputPath("console-ended.png") });
        await projector.screenshot({ path: test.info().outputPath("projector-ended.png") });
      }

      const late = await studentApi(9);
      const res = await late.post("/api/checkin", { data: { code: lastCode } });
      expect(res.status()).toBe(409);
      expect((await res.json()).error.code).toBe("session_ended");
    });

    await test.step("marking still works after the end", async () => {
      await rowOf(consolePage, "Hana Sato").getByRole("button", { name: "Excused" }).click();
      await expect(rowOf(consolePage, "Hana Sato")).toHaveAttribute("data-status", "excused");
      await expect(consolePage.getByTestId("count-excused")).toHaveText("2");
      await consolePage.reload();
      await expect(rowOf(consolePage, "Hana Sato")).toHaveAttribute("data-status", "excused");
      await expect(consolePage.getByRole("heading", { name: "Session ended" })).toBeVisible();
      await expectAccessible(consolePage, "ended console");
      expect(pageErrors, "errors in the console and projector pages").toEqual([]);
    });
  });
});
