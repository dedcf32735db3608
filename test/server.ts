import { readdirSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import { PEER_ADDRESS_HEADER } from "@/lib/api/client-address";
import { closeDb, getDb } from "@/lib/db/client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/events";
import { getEnv } from "@/lib/env";
import { setIo } from "@/lib/realtime/io";
import { peersOf } from "@/lib/realtime/peers";
import { closeRedis, redisReady } from "@/lib/redis";
import { begin, drainServer } from "@/server/drain";
import { guardPath } from "@/server/request-guard";
import { installShared } from "@/server/scale/shared";
import { announceReady, joinPolling } from "@/server/scale/worker";
import { attachSocketServer } from "@/server/socket";
import { wireSubscribers } from "@/server/wire";

/**
 * A real HTTP server for integration tests: the app's own route handlers
 * (found under app/api like Next finds them) and the app's own Socket.IO
 * server on one port, over a real SQLite file. Only Next's page rendering is
 * left out; the Playwright suite covers that against the production server.
 */
type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type Route = { pattern: RegExp; names: string[]; file: string; catchAll: boolean; depth: number };

const API_DIR = path.resolve(__dirname, "../app/api");

function findRoutes(dir: string, segments: string[] = []): Route[] {
  const out: Route[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...findRoutes(full, [...segments, entry]));
    else if (entry === "route.ts") {
      const names: string[] = [];
      let catchAll = false;
      const re = segments
        .map((s) => {
          const optional = /^\[\[\.\.\.(\w+)\]\]$/.exec(s);
          if (optional) return names.push(optional[1]), (catchAll = true), "(?:/(.*))?";
          const rest = /^\[\.\.\.(\w+)\]$/.exec(s);
          if (rest) return names.push(rest[1]), (catchAll = true), "/(.+)";
          const param = /^\[(\w+)\]$/.exec(s);
          if (param) return names.push(param[1]), "/([^/]+)";
          return `/${s}`;
        })
        .join("");
      out.push({ pattern: new RegExp(`^/api${re}$`), names, file: full, catchAll, depth: segments.length });
    }
  }
  // Static segments before dynamic ones, catch-alls last and the deeper one first (`auth/[...nextauth]` before
  // `[...path]`), as Next resolves them.
  return out.sort((a, b) => Number(a.catchAll) - Number(b.catchAll) || a.names.length - b.names.length || b.depth - a.depth);
}

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  // As server/index.ts does: the TCP peer, whatever the client claimed.
  headers.set(PEER_ADDRESS_HEADER, req.socket.remoteAddress ?? "");
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", base), { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
}

async function send(res: ServerResponse, response: Response) {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((v, k) => {
    if (k !== "set-cookie") headers[k] = v;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

export type TestServer = {
  url: string;
  close: () => Promise<void>;
  socket: (auth?: { token?: string; cookie?: string; origin?: string; headers?: Record<string, string> }) => Promise<ClientSocket>;
};

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const handshakes = new WeakMap<ClientSocket, IncomingMessage["headers"]>();

/** The headers of a test socket's websocket handshake response (cookies the server set, for one). */
export function handshakeHeaders(socket: ClientSocket): IncomingMessage["headers"] {
  return handshakes.get(socket) ?? {};
}

export type TestServerOptions = {
  port?: number;
  /**
   * One of several nodes or workers (SPEC §11; test/services/node.ts): shares
   * Socket.IO's adapter, rate limits and presence (through REDIS_URL, or the
   * cluster's primary) as server/index.ts does.
   */
  shared?: boolean;
};

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  // Each test ApiClient stands for a person on their own network (test/api.ts gives it an address of its own, sent
  // as a trusted proxy's X-Forwarded-For), so per-address limits only meet in tests that share an address on purpose.
  process.env.TRUST_PROXY = "true";
  getDb();
  const routes = findRoutes(API_DIR);
  const modules = new Map<string, Record<string, Handler>>();
  let base = "";
  const http = createServer(async (req, res) => {
    // As server/index.ts does: a stopping server answers what it accepted.
    res.once("close", begin());
    try {
      // The production server's own guard (server/index.ts), so malformed paths answer alike here.
      if (guardPath(req, res)) return;
      const url = new URL(req.url ?? "/", base);
      for (const r of routes) {
        const m = r.pattern.exec(url.pathname);
        if (!m) continue;
        if (!modules.has(r.file)) modules.set(r.file, (await import(r.file)) as Record<string, Handler>);
        const handler = modules.get(r.file)![req.method ?? "GET"];
        if (!handler) return send(res, new Response(null, { status: 405 }));
        const params = Object.fromEntries(
          r.names.map((n, i) => [n, r.catchAll ? (m[i + 1] ?? "").split("/").filter(Boolean).map(decodeURIComponent) : decodeURIComponent(m[i + 1])]),
        );
        return send(res, await handler(await toRequest(req, base), { params: Promise.resolve(params) }));
      }
      res.writeHead(404).end();
    } catch (err) {
      console.error(err);
      res.writeHead(500).end(String(err));
    }
  });
  if (opts.shared) await redisReady();
  const shared = opts.shared ? installShared(getEnv()) : null;
  const io = attachSocketServer(http, process.env.APP_URL!, shared?.adapter);
  const subscribers = wireSubscribers(io, peersOf(io, !!shared && shared.mode !== "single"));
  if (shared) await subscribers.resume();
  const polling = shared ? await joinPolling(http, io) : null;
  await new Promise<void>((resolve) => http.listen(opts.port ?? 0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  if (shared) await announceReady((http.address() as AddressInfo).port);
  const sockets: ClientSocket[] = [];

  return {
    url: base,
    async socket(auth = {}) {
      const s: ClientSocket = connect(base, {
        path: "/socket.io",
        transports: ["websocket"],
        auth: auth.token ? { token: auth.token } : {},
        extraHeaders: { ...(auth.cookie ? { cookie: auth.cookie } : {}), ...(auth.origin ? { origin: auth.origin } : {}), ...auth.headers },
        reconnection: false,
        forceNew: true,
      });
      sockets.push(s);
      // The websocket transport exists as soon as the client is made; its upgrade response comes later.
      const ws = (s.io as unknown as { engine?: { transport?: { ws?: { once?: (e: string, f: (res: IncomingMessage) => void) => void } } } }).engine?.transport?.ws;
      ws?.once?.("upgrade", (res) => handshakes.set(s, res.headers));
      await new Promise<void>((resolve, reject) => {
        s.once("connect", () => resolve());
        s.once("connect_error", (e) => reject(e));
      });
      return s;
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await drainServer(http, io, 5000);
      await polling?.close();
      subscribers.stop();
      await shared?.close();
      setIo(undefined);
      await closeDb();
      if (shared) await closeRedis();
    },
  };
}
