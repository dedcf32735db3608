import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, request as playwrightRequest, type APIRequestContext, type BrowserContext, type BrowserContextOptions, type Page } from "@playwright/test";
import { SCREENSHOT_DIR as SHOTS } from "./screenshots";
import type { Rgba } from "./y4m";

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

export const DEMO_PASSWORD = "rollcall-demo";
export const TEACHER_EMAIL = "teacher@rollcall.test";
export const student = (n: number) => `student${String(n).padStart(2, "0")}@rollcall.test`;

export function baseURL(): string {
  return `http://localhost:${Number(process.env.E2E_PORT ?? 3210)}`;
}

export type Teacher = {
  api: APIRequestContext;
  courseId: string;
  enrollCode: string;
  dispose: () => Promise<void>;
};

/** The demo teacher, through the REST API with a bearer token. */
export async function demoTeacher(): Promise<Teacher> {
  const anon = await playwrightRequest.newContext({ baseURL: baseURL() });
  const tok = await anon.post("/api/token", { data: { email: TEACHER_EMAIL, password: DEMO_PASSWORD } });
  expect(tok.status()).toBe(200);
  const { token } = await tok.json();
  await anon.dispose();
  const api = await playwrightRequest.newContext({ baseURL: baseURL(), extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const courses = (await (await api.get("/api/courses")).json()).courses as Array<{ id: string; code: string | null }>;
  const cs101 = courses.find((c) => c.code === "CS101")!;
  const detail = await (await api.get(`/api/courses/${cs101.id}`)).json();
  return { api, courseId: cs101.id, enrollCode: detail.course.enrollCode, dispose: () => api.dispose() };
}

export type SessionSettings = { lateAfterMinutes?: number; closeAfterMinutes?: number | null; rotationSeconds?: number; codeRotationSeconds?: number; title?: string };

/** Ends whatever session CS101 has open and starts a fresh one. */
export async function startSession(teacher: Teacher, settings: SessionSettings = {}): Promise<string> {
  const courses = (await (await teacher.api.get("/api/courses")).json()).courses as Array<{ id: string; activeSessionId: string | null }>;
  const active = courses.find((c) => c.id === teacher.courseId)?.activeSessionId;
  if (active) expect((await teacher.api.post(`/api/sessions/${active}/end`)).status()).toBe(200);
  const res = await teacher.api.post(`/api/courses/${teacher.courseId}/sessions`, { data: { title: "Lecture", ...settings } });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).session.id as string;
}

export type LiveCode = { token: string; url: string; code: string; serverTime: string };

export async function liveCode(teacher: Teacher, sessionId: string): Promise<LiveCode> {
  const res = await teacher.api.get(`/api/sessions/${sessionId}/code`);
  expect(res.status()).toBe(200);
  return res.json();
}

export type RosterRow = { studentId: string; studentName: string; status: string; method: string | null; checkedInAt: string | null; lateMinutes: number | null };

export async function rosterRow(teacher: Teacher, sessionId: string, studentName: string): Promise<RosterRow | undefined> {
  const body = await (await teacher.api.get(`/api/sessions/${sessionId}`)).json();
  return (body.roster as RosterRow[]).find((r) => r.studentName === studentName);
}

/** Moves the e2e server's clock (lib/clock.ts); always reset it after. */
export async function advanceServerClock(api: APIRequestContext, ms: number): Promise<void> {
  expect((await api.get(`/__e2e/clock?advanceMs=${ms}`)).status()).toBe(200);
}

export async function resetServerClock(api: APIRequestContext): Promise<void> {
  expect((await api.get("/__e2e/clock?reset")).status()).toBe(200);
}

/** Signs the browser context in through next-auth's credentials endpoint (the page-level sign-in is tested elsewhere). */
export async function signInContext(context: BrowserContext, email: string, password = DEMO_PASSWORD): Promise<void> {
  const csrf = await (await context.request.get("/api/auth/csrf")).json();
  const res = await context.request.post("/api/auth/callback/credentials", {
    form: { csrfToken: csrf.csrfToken, email, password, json: "true" },
  });
  expect(res.ok(), `sign-in of ${email}`).toBeTruthy();
  const me = await context.request.get("/api/me");
  expect(me.status()).toBe(200);
  expect((await me.json()).user.email).toBe(email);
}

/** Signs out but keeps the browser's device cookie, like handing the phone to someone else. */
export async function signOutContext(context: BrowserContext): Promise<void> {
  await context.clearCookies({ name: /session-token/ });
  expect((await context.request.get("/api/me")).status()).toBe(401);
}

let registered = 0;

/** A brand-new student account, not enrolled anywhere. */
export async function newStudent(api: APIRequestContext, name = "New Student"): Promise<{ email: string; password: string; name: string }> {
  const email = `new${Date.now()}-${++registered}@example.test`;
  const password = "correct horse battery";
  const res = await api.post("/api/register", { data: { name, email, password, kind: "student" } });
  expect(res.status(), await res.text()).toBe(201);
  return { email, password, name };
}

/** What the page shows for a time: the same formatter, in the phone's locale and zone. */
export function shownTime(iso: string): string {
  return new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit", timeZone: "UTC" }).format(new Date(iso));
}

export const resultTitle = (page: Page) => page.locator("#result-title");


/** A 390×844 screenshot for the docs (CSS pixels, whatever the phone's density). */
export async function docShot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SHOTS, name), scale: "css", animations: "disabled", caret: "hide" });
}

/** Decodes a PNG with the browser's own image decoder (no PNG library needed) into RGBA pixels. */
export async function pngToRgba(page: Page, png: Buffer): Promise<Rgba> {
  const out = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let s = "";
    for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: canvas.width, height: canvas.height, data: btoa(s) };
  }, png.toString("base64"));
  return { width: out.width, height: out.height, data: new Uint8Array(Buffer.from(out.data, "base64")) };
}
