import { mkdirSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "@playwright/test";
import { expectAccessible } from "./support/a11y";
import { expect, LAPTOP, PHONE, test, type E2EUser } from "./support/fixtures";
import { hydrated } from "./support/hydration";
import { startSession } from "./support/join";
import { SCREENSHOT_DIR } from "./support/screenshots";

/**
 * Issue 12, item 10: dark mode. The choice (Auto / Light / Dark) is made in the header, kept in a cookie the server
 * renders on <html>, read by /join's script; "Auto" follows the device. Every page but the projector turns dark and
 * stays AA (axe) at a phone's and a laptop's size; screenshots of each go to docs/screenshots/dark/.
 */

const THEME_COOKIE = "rollcall-theme";
const theme = (page: Page) => page.locator("html").getAttribute("data-theme");
/** The page's background as the reader sees it: the body's (the projector paints its own). */
const background = (page: Page, selector = "body") => page.locator(selector).first().evaluate((el) => getComputedStyle(el).backgroundColor);
/** Relative luminance of an rgb()/oklch() colour, read back by the browser as rgb through a canvas. */
async function luminance(page: Page, selector = "body"): Promise<number> {
  const colour = await background(page, selector);
  return page.evaluate((c) => {
    const ctx = document.createElement("canvas").getContext("2d")!;
    ctx.fillStyle = c;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
    const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  }, colour);
}
const isDark = async (page: Page, selector?: string) => expect.poll(() => luminance(page, selector)).toBeLessThan(0.05);
const isLight = async (page: Page, selector?: string) => expect.poll(() => luminance(page, selector)).toBeGreaterThan(0.8);

async function darkShot(page: Page, name: string) {
  const dir = path.join(SCREENSHOT_DIR, "dark");
  mkdirSync(dir, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(dir, name), scale: "css", animations: "disabled", caret: "hide" });
}

test("dark mode toggle remembered: the header's choice survives a reload, reaches /join, and Auto follows the device; the projector stays light", async ({
  browser,
  teacher,
  signIn,
}) => {
  const context = await browser.newContext({ ...LAPTOP, colorScheme: "light" });
  await signIn(context, teacher.user);
  const page = await context.newPage();
  await page.goto("/dashboard");
  expect(await theme(page)).toBeNull();
  await isLight(page);

  const toggle = await hydrated(page.getByRole("combobox", { name: "Colour theme" }));
  await toggle.selectOption("dark");
  expect(await theme(page)).toBe("dark");
  await isDark(page);
  expect((await context.cookies()).find((c) => c.name === THEME_COOKIE)?.value).toBe("dark");

  // Rendered by the server: dark in the HTML itself, before any script.
  const html = await (await page.request.get("/dashboard")).text();
  expect(html).toMatch(/<html[^>]*data-theme="dark"/);
  await page.reload();
  expect(await theme(page)).toBe("dark");
  await expect(page.getByRole("combobox", { name: "Colour theme" })).toHaveValue("dark");
  await isDark(page);

  // /join is static: its script applies the stored choice.
  await page.goto("/join");
  await expect.poll(() => theme(page)).toBe("dark");
  await isDark(page);

  // The projector is for a room: light whatever the choice.
  const sessionId = await startSession(teacher);
  await page.goto(`/sessions/${sessionId}/present`);
  await isLight(page, ".theme-light");
  await isLight(page);

  // Back to Auto: the cookie goes, and the device's setting decides.
  await page.goto("/dashboard");
  await (await hydrated(page.getByRole("combobox", { name: "Colour theme" }))).selectOption("system");
  expect(await theme(page)).toBeNull();
  expect((await context.cookies()).find((c) => c.name === THEME_COOKIE)).toBeUndefined();
  await isLight(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await isDark(page);
  await page.reload();
  await isDark(page);

  // An explicit Light wins over a dark device.
  await (await hydrated(page.getByRole("combobox", { name: "Colour theme" }))).selectOption("light");
  await page.reload();
  expect(await theme(page)).toBe("light");
  await isLight(page);
  await context.close();
});

test("every page in dark at 390×844 and 1280×800 passes axe (contrast AA), with screenshots", async ({
  browser,
  teacher,
  demoStudent,
  newStudent,
  signIn,
}) => {
  test.setTimeout(240_000);
  // An ended session with marks of every kind, then a live one with a few.
  const ended = await startSession(teacher, { title: "Monday lecture" });
  const roster = (await (await teacher.api.get(`/api/sessions/${ended}`)).json()).roster as Array<{ studentId: string }>;
  const statuses = ["present", "late", "excused", "present", "absent"];
  for (const [i, status] of statuses.entries()) {
    expect((await teacher.api.patch(`/api/sessions/${ended}/attendance/${roster[i].studentId}`, { data: { status } })).status()).toBe(200);
  }
  expect((await teacher.api.post(`/api/sessions/${ended}/end`)).status()).toBe(200);
  const live = await startSession(teacher, { title: "Wednesday lecture" });
  for (const [i, status] of ["present", "late", "excused"].entries()) {
    expect((await teacher.api.patch(`/api/sessions/${live}/attendance/${roster[i].studentId}`, { data: { status } })).status()).toBe(200);
  }
  const student = await demoStudent(1);
  const outsider = await newStudent();

  const darkContext = async (size: "390" | "1280", who: E2EUser | null): Promise<BrowserContext> => {
    const context = await browser.newContext({ ...(size === "390" ? PHONE : LAPTOP), colorScheme: "dark" });
    const host = new URL(`http://localhost:${Number(process.env.E2E_PORT ?? 3210)}`).hostname;
    await context.addCookies([{ name: THEME_COOKIE, value: "dark", domain: host, path: "/", sameSite: "Lax" }]);
    if (who) await signIn(context, who);
    return context;
  };
  const c = teacher.courseId;
  const pages: Array<{ name: string; who: E2EUser | null; url: string; ready?: (page: Page) => Promise<unknown>; light?: boolean }> = [
    { name: "login", who: null, url: "/login" },
    { name: "register", who: null, url: "/register" },
    { name: "not-found", who: null, url: "/no-such-page" },
    { name: "join", who: student, url: "/join", ready: (p) => expect(p.getByTestId("signed-in-as")).toBeVisible() },
    { name: "dashboard-teacher", who: teacher.user, url: "/dashboard" },
    { name: "course", who: teacher.user, url: `/courses/${c}` },
    { name: "sessions", who: teacher.user, url: `/courses/${c}?tab=sessions` },
    { name: "report", who: teacher.user, url: `/courses/${c}?tab=report`, ready: (p) => expect(p.locator(".recharts-surface").first()).toBeVisible() },
    { name: "students", who: teacher.user, url: `/courses/${c}?tab=students` },
    { name: "staff", who: teacher.user, url: `/courses/${c}?tab=staff` },
    { name: "settings", who: teacher.user, url: `/courses/${c}?tab=settings` },
    { name: "student-records", who: teacher.user, url: `/courses/${c}/students/${student.id}` },
    { name: "console", who: teacher.user, url: `/sessions/${live}`, ready: (p) => expect(p.getByText("Wednesday lecture").first()).toBeVisible() },
    { name: "session-review", who: teacher.user, url: `/sessions/${ended}` },
    { name: "projector", who: teacher.user, url: `/sessions/${live}/present`, light: true },
    { name: "account", who: teacher.user, url: "/account" },
    { name: "dashboard-student", who: student, url: "/dashboard" },
    { name: "student-course", who: student, url: `/courses/${c}` },
    { name: "enroll", who: outsider, url: `/enroll/${teacher.enrollCode}` },
  ];
  for (const size of ["390", "1280"] as const) {
    const contexts = new Map<E2EUser | null, BrowserContext>();
    for (const entry of pages) {
      await test.step(`${entry.name} at ${size}`, async () => {
        if (!contexts.has(entry.who)) contexts.set(entry.who, await darkContext(size, entry.who));
        const page = await contexts.get(entry.who)!.newPage();
        await page.goto(entry.url);
        await entry.ready?.(page);
        if (entry.light) {
          await isLight(page, ".theme-light");
          await isLight(page);
        } else {
          await isDark(page);
        }
        await expectAccessible(page, `${entry.name} (dark, ${size})`);
        await darkShot(page, `${entry.name}-${size}.png`);
        await page.close();
      });
    }
    await Promise.all([...contexts.values()].map((ctx) => ctx.close()));
  }
});
