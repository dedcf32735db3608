import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import next from "next";
import { PEER_ADDRESS_HEADER } from "@/lib/api/client-address";
import { closeDb, openDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { setIo } from "@/lib/realtime/io";
import { peersOf } from "@/lib/realtime/peers";
import { closeRedis, redisReady } from "@/lib/redis";
import { begin, drainServer } from "./drain";
import { installShared } from "./scale/shared";
import { announceReady, joinPolling } from "./scale/worker";
import { attachSocketServer } from "./socket";
import { servedOrigins } from "./origins";
import { guardPath } from "./request-guard";
import { securityHeaders } from "./security-headers";
import { loadStaticFiles } from "./static-files";
import { wireSubscribers } from "./wire";

export type StartOptions = {
  dev?: boolean;
  port?: number;
  hostname?: string;
  https?: { key: string; cert: string };
  quiet?: boolean;
  /** Test and benchmark servers answer a few extra paths of their own before Next sees the request. */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
};

export type RunningServer = {
  url: string;
  port: number;
  /**
   * Stops gracefully (SPEC §11: a node drains): no new connections; requests
   * and socket events in flight commit and answer (up to `drainMs`); then the
   * sockets close, so phones and consoles reconnect to another node.
   */
  close: (drainMs?: number) => Promise<void>;
};

/** How long a stopping node waits for check-ins in flight before it closes its sockets, and for their commits after. */
const DRAIN_MS = 5000;

/** Prepares Next, attaches Socket.IO to the same HTTP(S) server and restores rotation timers. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const env = getEnv();
  // next-auth reads these; the host header decides the origin so LAN and localhost both work.
  process.env.NEXTAUTH_SECRET ??= env.AUTH_SECRET;
  process.env.AUTH_SECRET ??= env.AUTH_SECRET;
  process.env.AUTH_TRUST_HOST ??= "true";

  await openDb(); // opens and migrates before the first request
  await redisReady();
  // Rate limits, presence and Socket.IO's adapter shared with the other processes and nodes (SPEC §11), if any.
  const shared = installShared(env);
  // The files of /join (and every other build file, icon and the manifest) from memory, compressed while Next prepares;
  // development keeps Next's own serving.
  const staticLoad = opts.dev ? null : loadStaticFiles({ distDir: env.NEXT_DIST_DIR, publicDir: path.join(process.cwd(), "public"), pages: ["/join"] });
  const app = next({ dev: opts.dev ?? false, dir: process.cwd(), hostname: opts.hostname ?? "0.0.0.0", port: opts.port ?? env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const staticFiles = await staticLoad;
  const serveStatic = staticFiles ? staticFiles.serve : () => false;
  let http: HttpServer | HttpsServer | null = null;
  const origins = servedOrigins(env.APP_URL, () => ({ port: (http?.address() as AddressInfo | null)?.port ?? null, secure: !!opts.https }));
  const secure = securityHeaders({
    dev: !!opts.dev,
    prerenderedDir: opts.dev ? null : path.join(env.NEXT_DIST_DIR, "server"),
    socketOrigins: origins.list,
    appUrl: env.APP_URL,
    selfSigned: !!opts.https,
  });
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    secure(req, res);
    if (opts.intercept?.(req, res)) return;
    if (guardPath(req, res)) return;
    if (serveStatic(req, res)) return;
    // Route handlers never see the socket: hand them the TCP peer (lib/api/client-address.ts), overwriting any client's claim.
    req.headers[PEER_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
    // A stopping node answers what it accepted (server/drain.ts).
    res.once("close", begin());
    handle(req, res).catch((err) => {
      console.error("[rollcall] request failed", err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
  http = opts.https ? createHttpsServer(opts.https, onRequest) : createHttpServer(onRequest);
  // Keep-alive longer than typical proxies so idle phones are not cut mid-request.
  http.keepAliveTimeout = 65_000;
  const io = attachSocketServer(http, env.APP_URL, shared.adapter);
  const subscribers = wireSubscribers(io, peersOf(io, shared.mode !== "single"));
  // WORKERS: long-polling requests reach the worker that holds their session (server/scale/polling.ts).
  const polling = await joinPolling(http, io);

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
  const restored = await subscribers.resume();
  if (!opts.quiet && restored) console.log(`[rollcall] resumed ${restored} active session(s)`);
  await announceReady(port);

  let closing: Promise<void> | null = null;
  const close = (drainMs = DRAIN_MS) =>
    (closing ??= (async () => {
      await drainServer(http, io, drainMs);
      await polling?.close();
      subscribers.stop();
      await shared.close().catch(() => {});
      setIo(undefined);
      await app.close().catch(() => {});
      await closeDb();
      await closeRedis();
    })());

  return { url: `${opts.https ? "https" : "http"}://localhost:${port}`, port, close };
}
