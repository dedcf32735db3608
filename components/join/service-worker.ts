/**
 * Registers public/sw.js for /join (scope "/join" only: the worker never sees
 * another page). Called once the page has nothing more urgent to do (after
 * the deep link's check-in), so the worker's own request never competes with
 * it. On the first visit the page was loaded without the worker: it tells the
 * worker which document and files it loaded, and the worker copies them from
 * the browser's cache, so the very next visit works offline too.
 */
let registered = false;

const STATIC_FILES = "/_next/static/";

export function registerServiceWorker(): void {
  if (registered || typeof navigator === "undefined" || !("serviceWorker" in navigator) || !window.isSecureContext) return;
  registered = true;
  const firstVisit = !navigator.serviceWorker.controller;
  navigator.serviceWorker
    .register("/sw.js", { scope: "/join" })
    .then(async () => {
      if (!firstVisit) return;
      const ready = await navigator.serviceWorker.ready;
      const files = performance
        .getEntriesByType("resource")
        .map((e) => e.name)
        .filter((url) => url.startsWith(`${location.origin}${STATIC_FILES}`));
      // The document as it was fetched (a deep link's address is tidied away once it has checked in).
      const page = performance.getEntriesByType("navigation")[0]?.name ?? location.href;
      ready.active?.postMessage({ type: "cache-page", page, files });
    })
    .catch(() => {
      // No worker (private mode, a browser without one): the page works as before, from the network.
    });
}
