/**
 * What a phone does when it opens `/join`, derived from the page itself: a
 * real browser's recording of one visit (bench/record-page.ts) plus what the
 * page's HTML makes a phone's browser fetch on its own (the icon, the web app
 * manifest). Nothing here names a chunk, a route or an event: the plan changes
 * when the page changes.
 *
 * The plan is a list of steps replayed in order by every simulated phone
 * (bench/phone.ts), with the recording's QR token and session id turned into
 * placeholders so each phone fills in its own.
 */

export const TOKEN = "{{token}}";
export const SESSION = "{{sessionId}}";

/** What the browser did, as bench/record-page.ts saw it. Times are ms on one clock. */
export type RecordedRequest = {
  method: string;
  /** Path and query, without the origin. */
  path: string;
  resourceType: string;
  requestHeaders: Record<string, string>;
  postData: string | null;
  startedAt: number;
  status: number;
  responseHeaders: Record<string, string>;
  /** The decoded body of a static GET (what the floor serves back); null for the API. */
  body: Buffer | null;
  /** Sent by the page's service worker (its own fetches, the worker script), not by the page. */
  worker?: boolean;
  /** Answered by the page's service worker: it may never have reached the server. */
  answeredByWorker?: boolean;
};

/** A request as the server saw it (bench/request-log.ts): the truth of what reached it. */
export type ServedRequest = {
  at: number;
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  status: number;
  responseHeaders: Record<string, string>;
};

export type RecordedFrame = { at: number; dir: "sent" | "received"; payload: string };

export type RecordedSocket = { path: string; openedAt: number; frames: RecordedFrame[] };

export type Recording = {
  browser: string;
  /** The deep link the browser opened: `/join?t=<token>`. */
  entryPath: string;
  token: string;
  sessionId: string;
  /** Cookies the browser carried in (name → value), i.e. the signed-in student's. */
  cookies: Record<string, string>;
  requests: RecordedRequest[];
  sockets: RecordedSocket[];
  /**
   * What reached the server during the visit, when it was logged there: a
   * request the browser's cache or the service worker answered is not in it,
   * and the worker's own requests are. Without it, every request the page made
   * that its worker did not answer counts.
   */
  served?: ServedRequest[];
};

/** How a phone whose cache already holds the page (a warm phone) treats a request. */
export type CachePolicy = "fetch" | "revalidate" | "cached";

export type HttpSpec = {
  method: string;
  /** With TOKEN / SESSION placeholders. */
  path: string;
  /** Request headers as the browser sent them, minus cookie, host, connection and content-length (the replay sets those). */
  headers: Record<string, string>;
  body: string | null;
  /** The status the browser got: anything else is an error. */
  status: number;
  resourceType: string;
  warm: CachePolicy;
  /** The response's Cache-Control, and its validators for a revalidating warm phone. */
  cacheControl: string | null;
  etag: string | null;
  lastModified: string | null;
  /** Sent by the page's service worker (or by the browser for it), not by the page. */
  byWorker?: boolean;
};

export type Step =
  /** Requests sent together, at most `parallel` at a time (the browser's connections per host). `blocking`: the page waits for them. */
  | { kind: "fetch"; label: string; requests: HttpSpec[]; parallel: number; blocking: boolean; checkin: boolean }
  | { kind: "socket"; label: string; path: string; transports: string[]; auth: unknown }
  | { kind: "emit"; label: string; event: string; payload: unknown; ack: boolean; checkin: boolean };

export type VisitPlan = {
  browser: string;
  sessionCookie: string;
  /** Cookies the server gave the browser during the visit (name, value length): a phone that has been here before carries them. */
  laterCookies: Array<{ name: string; length: number }>;
  steps: Step[];
  /** Assets the HTML names that the browser did not fetch, with the reason (for the printed plan). */
  skipped: string[];
};

/** HTTP/1.1 browsers open at most six connections per host. */
export const CONNECTIONS_PER_HOST = 6;

const DROP_HEADERS = new Set(["cookie", "host", "connection", "content-length", "if-none-match", "if-modified-since"]);

function templated(s: string, token: string, sessionId: string): string {
  const enc = encodeURIComponent(token);
  let out = s.split(token).join(TOKEN);
  if (enc !== token) out = out.split(enc).join(TOKEN);
  return out.split(sessionId).join(SESSION);
}

function templatedValue(v: unknown, token: string, sessionId: string): unknown {
  if (typeof v === "string") return templated(v, token, sessionId);
  if (Array.isArray(v)) return v.map((x) => templatedValue(x, token, sessionId));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, templatedValue(x, token, sessionId)]));
  return v;
}

/** Fills a phone's token and session id into a templated path or header (the token URL-encoded). */
export function fillPath(s: string, token: string, sessionId: string): string {
  if (!s.includes("{{")) return s;
  return s.split(TOKEN).join(encodeURIComponent(token)).split(SESSION).join(sessionId);
}

/** Fills a phone's token and session id into a templated JSON body or socket payload. */
export function fillValue<T>(v: T, token: string, sessionId: string): T {
  if (typeof v === "string") return (v.includes("{{") ? v.split(TOKEN).join(token).split(SESSION).join(sessionId) : v) as T;
  if (Array.isArray(v)) return v.map((x) => fillValue(x, token, sessionId)) as T;
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillValue(x, token, sessionId)])) as T;
  return v;
}

function directives(cacheControl: string | undefined): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (const part of (cacheControl ?? "").toLowerCase().split(",")) {
    const [k, v] = part.trim().split("=");
    if (k) out.set(k, v === undefined ? true : v.replace(/^"|"$/g, ""));
  }
  return out;
}

/**
 * What a phone that loaded the page before does with this request, by the
 * response's cache headers (RFC 9111, private cache): a URL that changes every
 * lecture (it holds the QR token) is never in the cache; `no-store` is fetched
 * again; a fresh response (`max-age` > 0 or `immutable`; `s-maxage` is for
 * shared caches only) is used without asking; anything else with a validator
 * is revalidated (`If-None-Match` / `If-Modified-Since`, a 304 if unchanged).
 * Heuristic freshness is not modelled: a response without explicit freshness
 * is revalidated, which costs the server more, never less.
 */
export function warmPolicy(method: string, path: string, status: number, headers: Record<string, string>): CachePolicy {
  if (method !== "GET" || path.includes(TOKEN) || path.includes(SESSION)) return "fetch";
  const cc = directives(headers["cache-control"]);
  if (cc.has("no-store")) return "fetch";
  const maxAge = Number(cc.get("max-age") ?? 0);
  if (status === 200 && !cc.has("no-cache") && (cc.has("immutable") || maxAge > 0)) return "cached";
  if (status === 200 && (headers.etag || headers["last-modified"])) return "revalidate";
  return "fetch";
}

/** Headers the replay sets itself; a returning phone's recorded visit keeps its validators (its worker sent them). */
const REPLAY_SETS = new Set(["cookie", "host", "connection", "content-length"]);

function spec(r: RecordedRequest, token: string, sessionId: string, keepValidators = false): HttpSpec {
  const drop = keepValidators ? REPLAY_SETS : DROP_HEADERS;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.requestHeaders)) if (!drop.has(k.toLowerCase()) && !k.startsWith(":")) headers[k.toLowerCase()] = templated(v, token, sessionId);
  const path = templated(r.path, token, sessionId);
  if (keepValidators) {
    // Replayed exactly as the returning phone sent it, validators and all: no cache model on top.
    return {
      method: r.method,
      path,
      headers,
      body: r.postData === null ? null : templated(r.postData, token, sessionId),
      status: r.status,
      resourceType: r.resourceType,
      warm: "fetch",
      cacheControl: r.responseHeaders["cache-control"] ?? null,
      etag: r.responseHeaders.etag ?? null,
      lastModified: r.responseHeaders["last-modified"] ?? null,
      byWorker: r.worker === true,
    };
  }
  return {
    method: r.method,
    path,
    headers,
    body: r.postData === null ? null : templated(r.postData, token, sessionId),
    status: r.status,
    resourceType: r.resourceType,
    warm: warmPolicy(r.method, path, r.status, r.responseHeaders),
    cacheControl: r.responseHeaders["cache-control"] ?? null,
    etag: r.responseHeaders.etag ?? null,
    lastModified: r.responseHeaders["last-modified"] ?? null,
    byWorker: r.worker === true,
  };
}

const isSocketIo = (path: string) => /^\/socket\.io\//.test(path);
const isApi = (path: string) => /^\/api\//.test(path);
/** Static files the browser (or the page's service worker) fetched for the page, as opposed to the page's own API calls. */
const isStatic = (r: RecordedRequest) =>
  r.method === "GET" && !isApi(r.path) && !isSocketIo(r.path) && (r.worker === true || !["fetch", "xhr", "websocket", "eventsource"].includes(r.resourceType));

/**
 * The requests of a visit that reached the server, in the server's order:
 * each one the server logged, described by the browser's record of it where
 * there is one (its kind, body, the response the browser got) with the
 * headers as the server received them; a request the browser's view lacks
 * (the browser's own favicon, its update check of the service worker) as the
 * server saw it. Requests the HTTP cache or the service worker answered drop out.
 */
export function reachedServer(browser: RecordedRequest[], served: ServedRequest[]): RecordedRequest[] {
  const unmatched = [...browser].sort((a, b) => Number(a.answeredByWorker === true) - Number(b.answeredByWorker === true) || a.startedAt - b.startedAt);
  return served.map((s) => {
    const i = unmatched.findIndex((r) => r.method === s.method && r.path === s.path);
    const seen = i >= 0 ? unmatched.splice(i, 1)[0] : null;
    return {
      method: s.method,
      path: s.path,
      resourceType: seen?.resourceType ?? "other",
      requestHeaders: s.requestHeaders,
      postData: seen?.postData ?? null,
      startedAt: s.at,
      status: s.status,
      responseHeaders: seen && Object.keys(seen.responseHeaders).length ? seen.responseHeaders : s.responseHeaders,
      body: seen?.body ?? null,
      worker: seen?.worker === true,
    };
  });
}

type Packet = { type: number; ackId: number | null; data: unknown };

/** A Socket.IO packet inside an Engine.IO message frame ("4" + packet), or null for engine frames (ping, open…). */
export function socketIoPacket(frame: string): Packet | null {
  if (!frame.startsWith("4")) return null;
  const m = /^4(\d)(?:\/[^,]*,)?(\d+)?(.*)$/s.exec(frame);
  if (!m) return null;
  let data: unknown = null;
  if (m[3]) {
    try {
      data = JSON.parse(m[3]);
    } catch {
      data = m[3];
    }
  }
  return { type: Number(m[1]), ackId: m[2] ? Number(m[2]) : null, data };
}

/**
 * The name of what an HTTP step is, for the table: the document by its path,
 * a wave of assets by position ("page assets" before the first API call or
 * socket, "lazy assets" after).
 */
function waveLabel(requests: HttpSpec[], seenDynamic: boolean, blocking: boolean): string {
  if (!blocking) return "browser fetches after load";
  if (requests.length === 1 && requests[0].resourceType === "document") return `GET ${requests[0].path.split("?")[0]}`;
  if (requests.every((r) => r.byWorker)) return "service worker";
  return seenDynamic ? "lazy assets" : "page assets";
}

export type HtmlLink = { rel: string; href: string; as: string | null; noModule: boolean; tag: "link" | "script" };

/** `<link>` and `<script src>` tags of a page's HTML (attributes of Next's output are plain `name="value"`). */
export function htmlLinks(html: string): HtmlLink[] {
  const out: HtmlLink[] = [];
  for (const m of html.matchAll(/<(link|script)\b([^>]*)>/gi)) {
    const attrs = new Map<string, string>();
    for (const a of m[2].matchAll(/([a-zA-Z-:]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) attrs.set(a[1].toLowerCase(), a[2] ?? a[3] ?? a[4] ?? "");
    const tag = m[1].toLowerCase() as "link" | "script";
    const href = tag === "link" ? attrs.get("href") : attrs.get("src");
    if (!href) continue;
    out.push({ rel: tag === "link" ? (attrs.get("rel") ?? "").toLowerCase() : "script", href, as: attrs.get("as") ?? null, noModule: attrs.has("nomodule"), tag });
  }
  return out;
}

/**
 * What a phone's browser fetches for the page by itself, which a headless
 * browser does not: Chrome for Android asks for the page's icon (its
 * `<link rel="icon">`, or `/favicon.ico` when the page names none) for the tab
 * and history, and for the web app manifest to decide whether the page can be
 * installed. The Apple touch icon is fetched only when someone adds the page to
 * the home screen, so it is not a page-load fetch.
 */
export function browserFetches(html: string): string[] {
  const links = htmlLinks(html).filter((l) => l.tag === "link");
  const icon = links.find((l) => l.rel.split(/\s+/).includes("icon"));
  const manifest = links.find((l) => l.rel === "manifest");
  return [manifest?.href, icon ? icon.href : "/favicon.ico"].filter((h): h is string => !!h && h.startsWith("/"));
}

/** Assets named in the HTML that the recorded browser did not fetch, and why (for the printed plan). */
function skippedAssets(html: string, fetched: Set<string>, extras: string[]): string[] {
  const out: string[] = [];
  for (const l of htmlLinks(html)) {
    const path = l.href.split("#")[0];
    if (fetched.has(path) || extras.includes(path)) continue;
    if (l.noModule) out.push(`${path} (nomodule: modern browsers skip it)`);
    else if (l.rel.includes("apple-touch-icon")) out.push(`${path} (apple-touch-icon: fetched when added to the home screen)`);
    else if (l.rel.includes("preconnect") || l.rel.includes("dns-prefetch")) continue;
    else out.push(`${path} (${l.rel || l.tag}: not fetched by the browser)`);
  }
  return out;
}

/**
 * Turns a recording into the steps a phone replays. Requests and socket
 * messages keep the browser's order; consecutive static files form one wave
 * (the browser asks for them together). The request or message that carries
 * the QR token is the check-in. `extras` are the browser fetches from the HTML
 * (see browserFetches), with the status and headers the server gave them.
 */
export function derivePlan(rec: Recording, html: string, extras: RecordedRequest[], o: { returning?: boolean } = {}): VisitPlan {
  const { token, sessionId } = rec;
  const returning = o.returning === true;
  const http = rec.served ? reachedServer(rec.requests, rec.served) : rec.requests.filter((r) => r.answeredByWorker !== true);
  const entryPage = rec.entryPath.split("?")[0];
  const isDocument = (r: RecordedRequest) => r.resourceType === "document" || (r.worker === true && r.method === "GET" && r.path.split("?")[0] === entryPage);
  type Ev = { at: number; kind: "http"; r: RecordedRequest } | { at: number; kind: "open"; s: RecordedSocket } | { at: number; kind: "frame"; f: RecordedFrame; s: RecordedSocket };
  const events: Ev[] = [
    ...http.filter((r) => !isSocketIo(r.path)).map((r) => ({ at: r.startedAt, kind: "http" as const, r })),
    ...rec.sockets.flatMap((s) => [
      { at: s.openedAt, kind: "open" as const, s },
      ...s.frames.filter((f) => f.dir === "sent").map((f) => ({ at: f.at, kind: "frame" as const, f, s })),
    ]),
  ].sort((a, b) => a.at - b.at);

  const steps: Step[] = [];
  let wave: HttpSpec[] = [];
  let seenDynamic = false;
  let extrasPlaced = false;
  // What the browser fetched by itself in the recording (a headed phone's favicon, say) is not added again.
  const recordedPaths = new Set([...rec.requests, ...http].map((r) => r.path.split("?")[0]));
  // A returning phone asks again only for what its HTTP cache does not hold fresh (with its validators when it has them).
  const extraSpecs = extras
    .filter((e) => !recordedPaths.has(e.path))
    .map((e) => spec(e, token, sessionId))
    .filter((e) => !returning || e.warm !== "cached")
    .map((e) => (returning && e.warm === "revalidate" ? { ...e, headers: { ...e.headers, ...(e.etag ? { "if-none-match": e.etag } : { "if-modified-since": e.lastModified! }) }, status: 304, warm: "fetch" as const } : e));
  const flush = () => {
    if (!wave.length) return;
    steps.push({ kind: "fetch", label: waveLabel(wave, seenDynamic, true), requests: wave, parallel: CONNECTIONS_PER_HOST, blocking: true, checkin: false });
    // The browser's own fetches start once the page has loaded: after its first wave of assets.
    if (!extrasPlaced && extraSpecs.length && steps.length >= 2) {
      steps.push({ kind: "fetch", label: waveLabel(extraSpecs, seenDynamic, false), requests: extraSpecs, parallel: CONNECTIONS_PER_HOST, blocking: false, checkin: false });
      extrasPlaced = true;
    }
    wave = [];
  };
  const hasToken = (s: string | null) => !!s && (s.includes(token) || s.includes(encodeURIComponent(token)));

  for (const ev of events) {
    if (ev.kind === "http") {
      const r = ev.r;
      if (isDocument(r)) {
        flush();
        wave = [{ ...spec(r, token, sessionId, returning), resourceType: "document" }];
        flush();
        continue;
      }
      if (isStatic(r)) {
        wave.push(spec(r, token, sessionId, returning));
        continue;
      }
      flush();
      const checkin = hasToken(r.postData) || (r.method !== "GET" && hasToken(r.path));
      seenDynamic = true;
      steps.push({ kind: "fetch", label: `${r.method} ${r.path.split("?")[0]}`, requests: [spec(r, token, sessionId, returning)], parallel: 1, blocking: true, checkin });
    } else if (ev.kind === "open") {
      flush();
      seenDynamic = true;
      const path = ev.s.path.split("?")[0];
      const polling = rec.requests.some((r) => isSocketIo(r.path) && r.path.includes("transport=polling") && r.startedAt < ev.s.openedAt);
      const connect = ev.s.frames.map((f) => (f.dir === "sent" ? socketIoPacket(f.payload) : null)).find((p) => p?.type === 0);
      steps.push({
        kind: "socket",
        label: "socket handshake",
        path,
        transports: polling ? ["polling", "websocket"] : ["websocket"],
        auth: connect?.data ? templatedValue(connect.data, token, sessionId) : null,
      });
    } else {
      const p = socketIoPacket(ev.f.payload);
      if (!p || p.type !== 2 || !Array.isArray(p.data) || typeof p.data[0] !== "string") continue;
      flush();
      const [event, payload] = p.data as [string, unknown];
      steps.push({
        kind: "emit",
        label: event,
        event,
        payload: templatedValue(payload ?? null, token, sessionId),
        ack: p.ackId !== null,
        checkin: hasToken(JSON.stringify(payload ?? null)),
      });
    }
  }
  flush();
  if (!extrasPlaced && extraSpecs.length) steps.push({ kind: "fetch", label: waveLabel(extraSpecs, seenDynamic, false), requests: extraSpecs, parallel: CONNECTIONS_PER_HOST, blocking: false, checkin: false });

  const checkins = steps.filter((s) => s.kind !== "socket" && s.checkin).length;
  if (checkins !== 1) throw new Error(`the recorded visit has ${checkins} steps carrying the QR token; expected exactly one check-in`);
  const sessionCookie = Object.keys(rec.cookies).find((c) => /session/i.test(c));
  if (!sessionCookie) throw new Error(`the recording carried no session cookie (${Object.keys(rec.cookies).join(", ") || "none"})`);

  const later = new Map<string, number>();
  for (const r of http)
    for (const part of (r.requestHeaders.cookie ?? "").split(";")) {
      const i = part.indexOf("=");
      const name = part.slice(0, i).trim();
      if (i > 0 && !(name in rec.cookies)) later.set(name, part.slice(i + 1).trim().length);
    }
  const fetched = new Set([...rec.requests, ...http].map((r) => r.path.split("?")[0]));
  return { browser: rec.browser, sessionCookie, laterCookies: [...later].map(([name, length]) => ({ name, length })), steps, skipped: skippedAssets(html, fetched, extras.map((e) => e.path)) };
}

/** Every static file the plans fetch (path without query → the recorded request), for the floor to serve. */
export function staticFiles(recordings: Recording[], extras: RecordedRequest[]): RecordedRequest[] {
  const byPath = new Map<string, RecordedRequest>();
  for (const r of [...recordings.flatMap((rec) => rec.requests), ...extras]) if (isStatic(r) && r.body && r.status === 200) byPath.set(r.path.split("?")[0], r);
  return [...byPath.values()];
}

/** Static paths a plan fetches whose body no recording holds (requests only the server saw), for the bench to fetch itself. */
export function filesWithoutBody(plans: Step[][], files: RecordedRequest[]): string[] {
  const have = new Set(files.map((f) => f.path.split("?")[0]));
  const need = new Set<string>();
  for (const s of plans.flat()) if (s.kind === "fetch" && !s.checkin) for (const r of s.requests) if (r.method === "GET" && !isApi(r.path) && !r.path.includes("{{")) need.add(r.path.split("?")[0]);
  return [...need].filter((p) => !have.has(p));
}

function describeRequest(r: HttpSpec): string {
  return `${r.method} ${r.path}${r.status !== 200 ? ` (${r.status})` : ""}`;
}

/** The plan in words, for the report and the README. */
export function describePlan(plan: VisitPlan): string[] {
  const lines: string[] = [];
  let n = 0;
  for (const s of plan.steps) {
    n += 1;
    if (s.kind === "fetch") {
      const what =
        s.requests.length === 1
          ? describeRequest(s.requests[0]) + (s.checkin ? " — the check-in" : "")
          : `${s.label}, ${s.requests.length} files at once (≤ ${s.parallel} at a time): ${s.requests.map((r) => r.path.split("/").pop() + (r.status !== 200 ? ` (${r.status})` : "")).join(", ")}`;
      lines.push(`${n}. ${what}${s.blocking ? "" : ", not waited for"}`);
    } else if (s.kind === "socket") {
      lines.push(`${n}. socket: ${s.path} over ${s.transports.join(" → ")}, ${s.auth ? "auth payload" : "cookie auth"}`);
    } else {
      lines.push(`${n}. emit ${s.event}${s.ack ? " (waits for the ack)" : ""}${s.checkin ? " — the check-in" : ""}`);
    }
  }
  if (plan.skipped.length) lines.push(`Named in the HTML, not fetched: ${plan.skipped.join("; ")}`);
  return lines;
}
