import { existsSync } from "node:fs";
import { chromium, type Request as PwRequest, type Response as PwResponse } from "@playwright/test";
import { request } from "./http";
import { browserFetches, type RecordedRequest, type RecordedSocket, type Recording } from "./page-plan";

/** A mid-range Android phone, as the e2e suite's students hold. */
const PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
  locale: "en-US",
  userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
};
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** The visit is over when the page has sent nothing (no request, no socket message) for this long. */
const QUIET_MS = 1_500;
const VISIT_TIMEOUT_MS = 30_000;

export type PageCapture = { recording: Recording; html: string; extras: RecordedRequest[] };

const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/**
 * Opens the deep link in a real Chromium (Debian's /usr/bin/chromium, as the
 * e2e suite uses) as a signed-in phone with an empty cache, and records every
 * request and socket message until the page falls quiet. Then asks the server
 * for what a phone's browser fetches by itself (icon, manifest), which a
 * headless browser skips.
 */
export async function capturePage(o: { origin: string; entryUrl: string; token: string; sessionId: string; cookies: Record<string, string> }): Promise<PageCapture> {
  const executablePath = existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined;
  let browser;
  try {
    browser = await chromium.launch({ executablePath, args: ARGS });
  } catch (e) {
    throw new Error(`the page flow records /join in Chromium, which did not start (${(e as Error).message.split("\n")[0]}); run with --flow socket to skip it`);
  }
  try {
    const context = await browser.newContext(PHONE);
    await context.addCookies(Object.entries(o.cookies).map(([name, value]) => ({ name, value, url: o.origin })));
    const page = await context.newPage();
    const requests = new Map<PwRequest, RecordedRequest>();
    const pending: Promise<unknown>[] = [];
    const sockets: RecordedSocket[] = [];
    let lastSent = performance.now();
    let inFlight = 0;

    page.on("request", (r) => {
      lastSent = performance.now();
      inFlight += 1;
      const rec: RecordedRequest = {
        method: r.method(),
        path: r.url().slice(o.origin.length),
        resourceType: r.resourceType(),
        requestHeaders: {},
        postData: r.postData(),
        startedAt: lastSent,
        status: 0,
        responseHeaders: {},
        body: null,
      };
      requests.set(r, rec);
      pending.push(r.allHeaders().then((h) => (rec.requestHeaders = lower(h))));
    });
    const done = () => {
      inFlight -= 1;
      lastSent = performance.now();
    };
    page.on("requestfinished", done);
    page.on("requestfailed", done);
    page.on("response", (res: PwResponse) => {
      const rec = requests.get(res.request());
      if (!rec) return;
      rec.status = res.status();
      pending.push(res.allHeaders().then((h) => (rec.responseHeaders = lower(h))));
      if (rec.method === "GET" && !["fetch", "xhr"].includes(rec.resourceType)) pending.push(res.body().then((b) => (rec.body = b), () => null));
    });
    page.on("websocket", (ws) => {
      const s: RecordedSocket = { path: ws.url().replace(/^ws/, "http").slice(o.origin.length), openedAt: performance.now(), frames: [] };
      sockets.push(s);
      lastSent = s.openedAt;
      ws.on("framesent", (f) => {
        lastSent = performance.now();
        s.frames.push({ at: lastSent, dir: "sent", payload: String(f.payload) });
      });
      ws.on("framereceived", (f) => s.frames.push({ at: performance.now(), dir: "received", payload: String(f.payload) }));
    });

    const started = performance.now();
    await page.goto(o.entryUrl, { waitUntil: "load" });
    while (inFlight > 0 || performance.now() - lastSent < QUIET_MS) {
      if (performance.now() - started > VISIT_TIMEOUT_MS) throw new Error(`the recorded visit to ${o.entryUrl} did not fall quiet within ${VISIT_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(pending);
    const recorded = [...requests.values()].sort((a, b) => a.startedAt - b.startedAt);
    const doc = recorded.find((r) => r.resourceType === "document");
    if (!doc?.body || doc.status !== 200) throw new Error(`the recorded visit got no page (status ${doc?.status ?? "none"})`);
    const html = doc.body.toString("utf8");
    const recording: Recording = {
      browser: `Chromium ${browser.version()}`,
      entryPath: o.entryUrl.slice(o.origin.length),
      token: o.token,
      sessionId: o.sessionId,
      cookies: o.cookies,
      requests: recorded,
      sockets,
    };

    // The phone's own fetches, asked of the server the way the browser asks for them.
    const ua = { "user-agent": PHONE.userAgent, "accept-encoding": doc.requestHeaders["accept-encoding"] ?? "gzip" };
    const extras: RecordedRequest[] = [];
    for (const path of browserFetches(html)) {
      const accept = path.endsWith("manifest") || path.endsWith(".webmanifest") ? "*/*" : "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
      const headers = { ...ua, accept };
      const r = await request(`${o.origin}${path}`, { headers });
      extras.push({
        method: "GET",
        path,
        resourceType: path.includes("manifest") ? "manifest" : "image",
        requestHeaders: headers,
        postData: null,
        startedAt: performance.now(),
        status: r.status,
        responseHeaders: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v ?? "")])),
        body: r.body,
      });
    }
    return { recording, html, extras };
  } finally {
    await browser.close();
  }
}
