import { describe, expect, it } from "vitest";
import {
  browserFetches,
  derivePlan,
  fillPath,
  fillValue,
  htmlLinks,
  SESSION,
  socketIoPacket,
  TOKEN,
  reachedServer,
  staticFiles,
  warmPolicy,
  type RecordedRequest,
  type Recording,
  type ServedRequest,
} from "./page-plan";

const token = "sess01.0.3.AbCdEfGhIjKlMnOp";
const sessionId = "sess01";
const IMMUTABLE = { "cache-control": "public, max-age=31536000, immutable", etag: 'W/"1"' };

let t = 0;
function req(path: string, o: Partial<RecordedRequest> = {}): RecordedRequest {
  return {
    method: "GET",
    path,
    resourceType: "script",
    requestHeaders: { "accept-encoding": "gzip, deflate, br, zstd", cookie: "next-auth.session-token=x", host: "h" },
    postData: null,
    startedAt: (t += 10),
    status: 200,
    responseHeaders: IMMUTABLE,
    body: Buffer.from("x"),
    ...o,
  };
}

const HTML =
  '<html><head><link rel="stylesheet" href="/a.css"/><link rel="preload" as="script" href="/b.js"/><script src="/b.js" async=""></script>' +
  '<link rel="manifest" href="/manifest.webmanifest"/><link rel="apple-touch-icon" href="/apple-touch-icon.png"/><script src="/legacy.js" noModule=""></script></head></html>';

function recording(): Recording {
  t = 0;
  const doc = req(`/join?t=${token}`, { resourceType: "document", responseHeaders: { "cache-control": "s-maxage=31536000", etag: '"p"' } });
  const css = req("/a.css", { resourceType: "stylesheet" });
  const js = req("/b.js");
  const checkin = req("/api/checkin", {
    method: "POST",
    resourceType: "fetch",
    postData: JSON.stringify({ token }),
    status: 201,
    responseHeaders: { "cache-control": "no-store" },
    body: null,
    requestHeaders: { cookie: "next-auth.session-token=x", "content-type": "application/json", referer: `http://h/join?t=${token}` },
  });
  const lazy = req("/lazy.js");
  const later = { ...lazy, requestHeaders: { ...lazy.requestHeaders, cookie: "next-auth.session-token=x; rollcall_device=abcdefghijklmnopqrstuvwx" } };
  const openedAt = (t += 10);
  return {
    browser: "Chromium test",
    entryPath: `/join?t=${token}`,
    token,
    sessionId,
    cookies: { "next-auth.session-token": "x" },
    requests: [doc, css, js, checkin, later],
    sockets: [
      {
        path: "/socket.io/?EIO=4&transport=websocket",
        openedAt,
        frames: [
          { at: openedAt + 1, dir: "received", payload: '0{"sid":"a"}' },
          { at: openedAt + 2, dir: "sent", payload: "40" },
          { at: openedAt + 3, dir: "received", payload: '40{"sid":"b"}' },
          { at: openedAt + 4, dir: "sent", payload: `420["session:watch",{"sessionId":"${sessionId}"}]` },
          { at: openedAt + 5, dir: "received", payload: '430[{"ok":true}]' },
        ],
      },
    ],
  };
}

const extras: RecordedRequest[] = [
  req("/manifest.webmanifest", { resourceType: "manifest", responseHeaders: { "cache-control": "public, max-age=0" } }),
  req("/favicon.ico", { resourceType: "image", status: 404, responseHeaders: { "cache-control": "private, no-cache, no-store, max-age=0, must-revalidate" } }),
];

describe("derivePlan", () => {
  it("keeps the browser's order: page, its files together, the browser's own fetches, the check-in, lazy files, socket, messages", () => {
    const plan = derivePlan(recording(), HTML, extras);
    expect(plan.steps.map((s) => `${s.kind}:${s.label}`)).toEqual([
      "fetch:GET /join",
      "fetch:page assets",
      "fetch:browser fetches after load",
      "fetch:POST /api/checkin",
      "fetch:lazy assets",
      "socket:socket handshake",
      "emit:session:watch",
    ]);
    const [doc, assets, own, checkin, lazy, socket, watch] = plan.steps;
    expect(doc.kind === "fetch" && doc.requests[0].path).toBe(`/join?t=${TOKEN}`);
    expect(assets.kind === "fetch" && assets.requests.map((r) => r.path)).toEqual(["/a.css", "/b.js"]);
    expect(own.kind === "fetch" && own.blocking).toBe(false);
    expect(checkin.kind === "fetch" && checkin.checkin && checkin.requests[0].body).toBe(JSON.stringify({ token: TOKEN }));
    expect(lazy.kind === "fetch" && lazy.checkin).toBe(false);
    expect(socket.kind === "socket" && socket.transports).toEqual(["websocket"]);
    expect(socket.kind === "socket" && socket.auth).toBeNull();
    expect(watch.kind === "emit" && watch.payload).toEqual({ sessionId: SESSION });
    expect(watch.kind === "emit" && watch.ack).toBe(true);
  });

  it("drops the headers the replay sets itself and templates the referer", () => {
    const plan = derivePlan(recording(), HTML, extras);
    const checkin = plan.steps[3];
    if (checkin.kind !== "fetch") throw new Error("expected a fetch");
    expect(checkin.requests[0].headers).toEqual({ "content-type": "application/json", referer: `http://h/join?t=${TOKEN}` });
  });

  it("names the session cookie and the cookies the server set along the way", () => {
    const plan = derivePlan(recording(), HTML, extras);
    expect(plan.sessionCookie).toBe("next-auth.session-token");
    expect(plan.laterCookies).toEqual([{ name: "rollcall_device", length: 24 }]);
  });

  it("says which assets of the HTML the browser left alone", () => {
    const plan = derivePlan(recording(), HTML, extras);
    expect(plan.skipped.join("\n")).toMatch(/legacy\.js \(nomodule/);
    expect(plan.skipped.join("\n")).toMatch(/apple-touch-icon\.png/);
  });

  it("finds a check-in sent over the socket", () => {
    const rec = recording();
    rec.requests = rec.requests.filter((r) => r.resourceType !== "fetch");
    rec.sockets[0].frames.push({ at: 1e6, dir: "sent", payload: `421["attendance:checkin",{"token":"${token}"}]` });
    const plan = derivePlan(rec, HTML, extras);
    const last = plan.steps[plan.steps.length - 1];
    expect(last.kind === "emit" && last.checkin && last.event).toBe("attendance:checkin");
    expect(last.kind === "emit" && last.payload).toEqual({ token: TOKEN });
  });

  it("refuses a recording without exactly one check-in", () => {
    const rec = recording();
    rec.requests = rec.requests.filter((r) => r.resourceType !== "fetch");
    expect(() => derivePlan(rec, HTML, extras)).toThrow(/expected exactly one check-in/);
  });
});

describe("warm phones", () => {
  it("follow the cache headers", () => {
    expect(warmPolicy("GET", "/a.js", 200, IMMUTABLE)).toBe("cached");
    expect(warmPolicy("GET", "/a.js", 200, { "cache-control": "max-age=60" })).toBe("cached");
    expect(warmPolicy("GET", "/m", 200, { "cache-control": "public, max-age=0, must-revalidate", etag: '"1"' })).toBe("revalidate");
    expect(warmPolicy("GET", "/m", 200, { "cache-control": "no-cache", "last-modified": "x" })).toBe("revalidate");
    expect(warmPolicy("GET", "/m", 200, { "cache-control": "public, max-age=0" })).toBe("fetch");
    expect(warmPolicy("GET", "/m", 200, { "cache-control": "no-store", etag: '"1"' })).toBe("fetch");
    // s-maxage is for shared caches: a phone revalidates.
    expect(warmPolicy("GET", "/join", 200, { "cache-control": "s-maxage=31536000", etag: '"1"' })).toBe("revalidate");
    // A deep link is a new URL every lecture, so it is never in the cache.
    expect(warmPolicy("GET", `/join?t=${TOKEN}`, 200, IMMUTABLE)).toBe("fetch");
    expect(warmPolicy("GET", "/favicon.ico", 404, { etag: '"1"' })).toBe("fetch");
    expect(warmPolicy("POST", "/api/checkin", 201, IMMUTABLE)).toBe("fetch");
  });

});

/** The server's log of a request (bench/request-log.ts). */
function served(path: string, o: Partial<ServedRequest> = {}): ServedRequest {
  return { at: (t += 10), method: "GET", path, requestHeaders: { "accept-encoding": "br", cookie: "next-auth.session-token=x" }, status: 200, responseHeaders: {}, ...o };
}

/** A returning phone whose service worker holds the page: it asks the server whether the page changed, then checks in over the socket. */
function returningVisit(): Recording {
  t = 0;
  const nav = req(`/join?t=${token}`, { resourceType: "document", answeredByWorker: true });
  const workerPage = req("/join", { resourceType: "fetch", worker: true, status: 304, responseHeaders: { etag: 'W/"p"' }, body: null, requestHeaders: { "if-none-match": 'W/"p"' } });
  const files = [req("/a.css", { resourceType: "stylesheet", answeredByWorker: true }), req("/b.js", { answeredByWorker: true })];
  const openedAt = (t += 10);
  const log = [
    served("/join", { requestHeaders: { "if-none-match": 'W/"p"', "accept-encoding": "br", cookie: "c" }, status: 304, at: workerPage.startedAt }),
    // The browser checking the worker for an update: the page's view never showed it.
    served("/sw.js", { requestHeaders: { "if-none-match": 'W/"w"', cookie: "c" }, status: 304, responseHeaders: { etag: 'W/"w"', "cache-control": "no-cache" }, at: openedAt + 50 }),
  ];
  return {
    browser: "Chromium test",
    entryPath: `/join?t=${token}`,
    token,
    sessionId,
    cookies: { "next-auth.session-token": "x" },
    requests: [nav, workerPage, ...files],
    sockets: [
      {
        path: "/socket.io/?EIO=4&transport=websocket",
        openedAt,
        frames: [
          { at: openedAt + 1, dir: "sent", payload: "40" },
          { at: openedAt + 2, dir: "sent", payload: `420["attendance:checkin",{"token":"${token}","presence":true}]` },
        ],
      },
    ],
    served: log,
  };
}

describe("a returning phone's recorded visit", () => {
  it("keeps only what reached the server, in the server's order, with the headers the server got", () => {
    const rec = returningVisit();
    const reached = reachedServer(rec.requests, rec.served!);
    expect(reached.map((r) => `${r.method} ${r.path} ${r.status}${r.worker ? " (worker)" : ""}`)).toEqual(["GET /join 304 (worker)", "GET /sw.js 304"]);
    expect(reached[0].requestHeaders["if-none-match"]).toBe('W/"p"');
  });

  it("replays it as recorded, validators included: the worker's page request, the update check, the socket check-in", () => {
    const rec = returningVisit();
    const plan = derivePlan(rec, HTML, extras, { returning: true });
    expect(plan.steps.map((s) => `${s.kind}:${s.label}`)).toEqual([
      "fetch:GET /join",
      "socket:socket handshake",
      "emit:attendance:checkin",
      "fetch:lazy assets",
      "fetch:browser fetches after load",
    ]);
    const [page, , checkin, update, own] = plan.steps;
    expect(page.kind === "fetch" && page.requests[0]).toMatchObject({ path: "/join", status: 304, headers: { "if-none-match": 'W/"p"' } });
    expect(checkin.kind === "emit" && checkin.checkin).toBe(true);
    expect(update.kind === "fetch" && update.requests.map((r) => [r.path, r.status, r.headers["if-none-match"]])).toEqual([["/sw.js", 304, 'W/"w"']]);
    // The browser's own fetches its cache cannot answer (a manifest with max-age=0 and no validator, a missing favicon) go out again.
    expect(own.kind === "fetch" && own.requests.map((r) => [r.path, r.status])).toEqual([["/manifest.webmanifest", 200], ["/favicon.ico", 404]]);
  });

  it("asks again only for the browser's own fetches its cache does not hold fresh", () => {
    const rec = returningVisit();
    const fresh = [req("/manifest.webmanifest", { resourceType: "manifest", responseHeaders: { "cache-control": "public, max-age=86400", etag: 'W/"m"' } }), req("/favicon.ico", { resourceType: "image", responseHeaders: { "cache-control": "public, max-age=0", etag: 'W/"f"' } })];
    const plan = derivePlan(rec, HTML, fresh, { returning: true });
    const own = plan.steps.find((s) => s.kind === "fetch" && s.label === "browser fetches after load");
    expect(own?.kind === "fetch" && own.requests.map((r) => [r.path, r.status, r.headers["if-none-match"]])).toEqual([["/favicon.ico", 304, 'W/"f"']]);
  });

  it("gives the floor every file either visit fetched, with its body", () => {
    const rec = recording();
    const files = staticFiles([rec, returningVisit()], extras).map((f) => f.path.split("?")[0]);
    expect(files).toEqual(expect.arrayContaining(["/join", "/a.css", "/b.js", "/lazy.js", "/manifest.webmanifest"]));
    expect(files).not.toContain("/favicon.ico");
  });
});

describe("templates", () => {
  it("fill a phone's token, URL-encoded in paths and raw in bodies", () => {
    expect(fillPath(`/join?t=${TOKEN}`, "a b", "s")).toBe("/join?t=a%20b");
    expect(fillValue({ token: TOKEN, nested: [SESSION] }, "a b", "s")).toEqual({ token: "a b", nested: ["s"] });
  });
});

describe("HTML", () => {
  it("lists links and scripts with their attributes", () => {
    const links = htmlLinks(HTML);
    expect(links.map((l) => [l.rel, l.href, l.noModule])).toEqual([
      ["stylesheet", "/a.css", false],
      ["preload", "/b.js", false],
      ["script", "/b.js", false],
      ["manifest", "/manifest.webmanifest", false],
      ["apple-touch-icon", "/apple-touch-icon.png", false],
      ["script", "/legacy.js", true],
    ]);
  });

  it("asks for the manifest and /favicon.ico when the page names no icon", () => {
    expect(browserFetches(HTML)).toEqual(["/manifest.webmanifest", "/favicon.ico"]);
    expect(browserFetches('<link rel="icon" href="/icon.svg"/>')).toEqual(["/icon.svg"]);
  });
});

describe("socketIoPacket", () => {
  it("reads events, acks and engine frames", () => {
    expect(socketIoPacket('420["session:watch",{"sessionId":"x"}]')).toEqual({ type: 2, ackId: 0, data: ["session:watch", { sessionId: "x" }] });
    expect(socketIoPacket('42["hello"]')).toEqual({ type: 2, ackId: null, data: ["hello"] });
    expect(socketIoPacket("40")).toEqual({ type: 0, ackId: null, data: null });
    expect(socketIoPacket('40{"token":"t"}')).toEqual({ type: 0, ackId: null, data: { token: "t" } });
    expect(socketIoPacket("2")).toBeNull();
  });
});
