import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import type { Teacher } from "./fixtures";
import { SCREENSHOT_DIR as SHOTS } from "./screenshots";
import type { Rgba } from "./y4m";

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
