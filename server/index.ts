import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import next from "next";
import { closeDb, getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { restoreRotations, stopAllRotations } from "@/lib/realtime/rotation";
import { setIo } from "@/lib/realtime/io";
import { attachSocketServer } from "./socket";
import { loadStaticPages } from "./static-pages";

export type StartOptions = {
  dev?: boolean;
  port?: number;
  hostname?: string;
  https?: { key: string; cert: string };
  quiet?: boolean;
  /** Test and benchmark servers answer a few extra paths of their own before Next sees the request. */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
};

export type RunningServer = { url: string; port: number; close: () => Promise<void> };

/** Prepares Next, attaches Socket.IO to the same HTTP(S) server and restores rotation timers. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const env = getEnv();
  // next-auth reads these; the host header decides the origin so LAN and localhost both work.
  process.env.NEXTAUTH_SECRET ??= env.AUTH_SECRET;
  process.env.AUTH_SECRET ??= env.AUTH_SECRET;
  process.env.AUTH_TRUST_HOST ??= "true";

  getDb(); // opens and migrates before the first request
  const trustProxy = process.env.TRUST_PROXY === "true";
  const app = next({ dev: opts.dev ?? false, dir: process.cwd(), hostname: opts.hostname ?? "0.0.0.0", port: opts.port ?? env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const serveStatic = opts.dev ? () => false : loadStaticPages(process.env.NEXT_DIST_DIR || ".next", ["/join"]);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (opts.intercept?.(req, res)) return;
    if (serveStatic(req, res)) return;
    // Rate limits key on the client address. A client-sent X-Forwarded-For is
    // only believed behind a proxy the operator vouches for (TRUST_PROXY=true).
    if (!trustProxy || !req.headers["x-forwarded-for"]) req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "unknown";
    handle(req, res).catch((err) => {
      console.error("[rollcall] request failed", err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
  const http = opts.https ? createHttpsServer(opts.https, onRequest) : createHttpServer(onRequest);
  // Keep-alive longer than typical proxies so idle phones are not cut mid-request.
  http.keepAliveTimeout = 65_000;
  const io = attachSocketServer(http, env.APP_URL);

  // Next's dev server handles its own HMR websocket; everything else on upgrade is Socket.IO's.
  if (opts.dev) {
    const upgrade = app.getUpgradeHandler();
    http.on("upgrade", (req, socket, head) => {
      if (!req.url?.startsWith("/socket.io")) upgrade(req, socket, head);
    });
  }

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    // A lecture hall connects in a burst: a deep accept queue makes late phones wait instead of being reset.
    http.listen({ port: opts.port ?? env.PORT, host: opts.hostname ?? "0.0.0.0", backlog: 4096 }, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const restored = restoreRotations();
  if (!opts.quiet && restored) console.log(`[rollcall] resumed ${restored} active session(s)`);

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      stopAllRotations();
      // io.close() disconnects every socket and closes the HTTP server.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      http.closeAllConnections?.();
      setIo(undefined);
      await app.close().catch(() => {});
      closeDb();
    })());

  return { url: `${opts.https ? "https" : "http"}://localhost:${port}`, port, close };
}
