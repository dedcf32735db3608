import { existsSync } from "node:fs";
import { chromium, type BrowserContext, type Request as PwRequest, type Response as PwResponse } from "@playwright/test";
import { request } from "./http";
import { browserFetches, type RecordedRequest, type RecordedSocket, type Recording, type ServedRequest } from "./page-plan";

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

export type PageCapture = {
  /** The first visit: an empty cache, no service worker (the first lecture of term). */
  cold: Recording;
  /** The next visit on the same phone (another lecture, a new QR token): whatever the first one left behind. */
  warm: Recording;
  html: string;
  extras: RecordedRequest[];
};

const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/** Where the server's own log of the visit is started and read (bench/request-log.ts). */
export type ServerLog = { start(): Promise<void>; stop(): Promise<ServedRequest[]> };

/**
 * Opens the deep link in a real Chromium (Debian's /usr/bin/chromium, as the
 * e2e suite uses) as a signed-in phone with an empty cache, and records every
 * request (the page's and its service worker's) and socket message until the
 * page falls quiet; the server logs what reached it meanwhile. Then the same
 * phone opens the next lecture's deep link in a new tab, recorded the same
 * way. Finally asks the server for what a phone's browser fetches by itself
 * (icon, manifest), which a headless browser skips.
 */
export async function capturePage(o: {
  origin: string;
  /** The deep link of each visit (a fresh QR token for the second): entry URL and token. */
  entry: () => Promise<{ url: string; token: string }>;
  sessionId: string;
  cookies: Record<string, string>;
  server: ServerLog;
}): Promise<PageCapture> {
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
    const name = `Chromium ${browser.version()}`;
    const cold = await recordVisit(context, o, name);
    const warm = await recordVisit(context, o, name);
    const doc = cold.requests.find((r) => r.resourceType === "document");
    if (!doc?.body || doc.status !== 200) throw new Error(`the recorded visit got no page (status ${doc?.status ?? "none"})`);
    const html = doc.body.toString("utf8");

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
        startedAt: Date.now(),
        status: r.status,
        responseHeaders: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v ?? "")])),
        body: r.body,
      });
    }
    return { cold, warm, html, extras };
  } finally {
    await browser.close();
  }
}

/** One visit in a new tab of the phone's browser, until it falls quiet. Times are wall-clock ms, as the server logs them. */
async function recordVisit(context: BrowserContext, o: { origin: string; entry: () => Promise<{ url: string; token: string }>; sessionId: string; cookies: Record<string, string>; server: ServerLog }, browserName: string): Promise<Recording> {
  const { url: entryUrl, token } = await o.entry();
  const page = await context.newPage();
  const requests = new Map<PwRequest, RecordedRequest>();
  const pending: Promise<unknown>[] = [];
  const sockets: RecordedSocket[] = [];
  let lastSent = Date.now();
  let inFlight = 0;
  const own = (r: PwRequest) => r.url().startsWith(o.origin);

  const onRequest = (r: PwRequest) => {
    if (!own(r)) return;
    lastSent = Date.now();
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
      worker: r.serviceWorker() !== null,
    };
    requests.set(r, rec);
    pending.push(r.allHeaders().then((h) => (rec.requestHeaders = lower(h)), () => null));
  };
  const done = (r: PwRequest) => {
    if (!requests.has(r)) return;
    inFlight -= 1;
    lastSent = Date.now();
  };
  const onResponse = (res: PwResponse) => {
    const rec = requests.get(res.request());
    if (!rec) return;
    rec.status = res.status();
    rec.answeredByWorker = res.fromServiceWorker();
    pending.push(res.allHeaders().then((h) => (rec.responseHeaders = lower(h)), () => null));
    if (rec.method === "GET" && (rec.worker || !["fetch", "xhr"].includes(rec.resourceType))) pending.push(res.body().then((b) => (rec.body = b), () => null));
  };
  // The context sees the page's requests and its service worker's alike.
  context.on("request", onRequest);
  context.on("requestfinished", done);
  context.on("requestfailed", done);
  context.on("response", onResponse);
  page.on("websocket", (ws) => {
    const s: RecordedSocket = { path: ws.url().replace(/^ws/, "http").slice(o.origin.length), openedAt: Date.now(), frames: [] };
    sockets.push(s);
    lastSent = s.openedAt;
    ws.on("framesent", (f) => {
      lastSent = Date.now();
      s.frames.push({ at: lastSent, dir: "sent", payload: String(f.payload) });
    });
    ws.on("framereceived", (f) => s.frames.push({ at: Date.now(), dir: "received", payload: String(f.payload) }));
  });

  try {
    await o.server.start();
    const started = Date.now();
    await page.goto(entryUrl, { waitUntil: "load" });
    while (inFlight > 0 || Date.now() - lastSent < QUIET_MS) {
      if (Date.now() - started > VISIT_TIMEOUT_MS) throw new Error(`the recorded visit to ${entryUrl} did not fall quiet within ${VISIT_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(pending);
    const served = await o.server.stop();
    return {
      browser: browserName,
      entryPath: entryUrl.slice(o.origin.length),
      token,
      sessionId: o.sessionId,
      cookies: o.cookies,
      requests: [...requests.values()].sort((a, b) => a.startedAt - b.startedAt),
      sockets,
      served,
    };
  } finally {
    context.off("request", onRequest);
    context.off("requestfinished", done);
    context.off("requestfailed", done);
    context.off("response", onResponse);
    await page.close();
  }
}
