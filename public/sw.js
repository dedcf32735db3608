/*
 * Rollcall's service worker, for /join only (registered with scope "/join" by
 * components/join/service-worker.ts). From the second lecture on, a phone
 * loads /join's files from itself and asks the server only whether the page
 * changed (a 304 when it did not), then checks in.
 *
 * - The page: network first, as a conditional request carrying the cached
 *   page's ETag, so a deploy is seen at once (never a stale page); the cached
 *   copy only when the network fails (offline). A changed page empties the
 *   cache: its files are new too.
 * - The build's files (/_next/static/…): cache first. Their names are their
 *   content, so a cached one is never stale.
 * - Everything else (the API, the socket, other pages, icons, the manifest)
 *   is left to the network and the HTTP cache, as if there were no worker:
 *   no answer that depends on who is signed in is ever cached here.
 */
const CACHE = "rollcall-join-v1";
const PAGE = "/join";
const ASSETS = "/_next/static/";

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

// The first visit ran before this worker existed: the page names the document and files it loaded, and they are
// copied from the browser's HTTP cache (`force-cache`: no request reaches the server for what is already there).
self.addEventListener("message", (event) => {
  const data = event.data;
  if (!data || data.type !== "cache-page" || typeof data.page !== "string" || !Array.isArray(data.files)) return;
  event.waitUntil(cacheFirstVisit(data.page, data.files.filter((f) => typeof f === "string")));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) event.respondWith(page());
  else if (url.pathname.startsWith(ASSETS)) event.respondWith(asset(request, event));
});

async function cacheFirstVisit(pageUrl, files) {
  const cache = await caches.open(CACHE);
  const copy = async (url, key) => {
    const own = new URL(url, self.location.origin);
    if (own.origin !== self.location.origin) return;
    if (key !== PAGE && !own.pathname.startsWith(ASSETS)) return;
    if (await cache.match(key, { ignoreVary: true })) return;
    const res = await fetch(own.href, { cache: "force-cache", credentials: "same-origin" });
    if (res.ok && res.type === "basic") await cache.put(key, res);
  };
  await Promise.all([copy(pageUrl, PAGE), ...files.map((f) => copy(f, new URL(f, self.location.origin).pathname))]).catch(() => {});
}

async function page() {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(PAGE, { ignoreVary: true });
  const etag = cached && cached.headers.get("etag");
  let res;
  try {
    res = await fetch(PAGE, { cache: "no-store", credentials: "same-origin", headers: etag ? { "if-none-match": etag } : {} });
  } catch (err) {
    // Offline, or the network failed: the page as last seen (its files are cached with it).
    if (cached) return cached;
    throw err;
  }
  if (res.status === 304 && cached) return cached;
  if (res.ok && res.type === "basic") {
    // A new page means a new build: its files have new names, the old ones are of no further use.
    if (cached && res.headers.get("etag") !== etag) for (const key of await cache.keys()) await cache.delete(key);
    await cache.put(PAGE, res.clone());
  }
  return res;
}

async function asset(request, event) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok && res.type === "basic") event.waitUntil(cache.put(request, res.clone()).catch(() => {}));
  return res;
}
