import { randomBytes } from "node:crypto";
import { createServer, request, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { Server as HttpsServer } from "node:https";
import { connect, type AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { RollcallServer } from "@/lib/realtime/io";

/**
 * Stickiness for Engine.IO's long-polling under WORKERS (SPEC §11).
 *
 * The cluster spreads TCP connections over the workers, which is all a
 * WebSocket needs: one connection, one worker, for its whole life. The page's
 * socket opens as a WebSocket (lib/realtime/client.ts). Long-polling is a
 * series of HTTP requests naming their Engine.IO session (`sid`), and each may
 * arrive at any worker; only the worker that holds the session can answer.
 *
 * So every session id starts with the number of the worker that made it, each
 * worker also listens on a private loopback port, and a polling request (or a
 * polling session's upgrade to WebSocket) that reaches the wrong worker is
 * passed to the right one's private port and its answer passed back. Requests
 * without a session id (handshakes, pages, the API) are served where they
 * arrive, with keep-alive. A session whose worker died is answered by Engine.IO
 * itself ("Session ID unknown"), and the client opens a new one.
 *
 * Why not @socket.io/sticky: it routes every connection through the primary,
 * reading each first packet; it turns keep-alive off on every response and
 * relays every request with a body, and its answer, over IPC. A phone's
 * sixteen requests would then be sixteen TCP connections through the primary
 * (see bench/README.md).
 */
const SID = /[?&]sid=([^&]+)/;
const TAG = /^(\d+)~/;

export type PollingRouter = {
  /** This worker's private port, for the primary's map. */
  port: number;
  /** Learns where every worker's private port is (the primary's map). */
  setPorts(ports: Record<string, number>): void;
  close(): Promise<void>;
};

export async function stickyPolling(http: HttpServer | HttpsServer, io: RollcallServer, workerId: number): Promise<PollingRouter> {
  const engine = io.engine;
  // The worker's number, then Engine.IO's own kind of id (20 URL-safe characters).
  engine.generateId = () => `${workerId}~${randomBytes(15).toString("base64url")}`;
  let ports: Record<string, number> = {};

  /** The private port of the worker that holds this request's session, when that is another live worker. */
  const elsewhere = (req: IncomingMessage): number | null => {
    if (!req.url?.startsWith("/socket.io/")) return null;
    const sid = SID.exec(req.url)?.[1];
    if (!sid) return null;
    const id = decodeURIComponent(sid);
    // `clients` is Engine.IO's table of its open sessions (protected in its types only).
    if ((engine as unknown as { clients: Record<string, unknown> }).clients[id]) return null;
    const owner = TAG.exec(id)?.[1];
    if (!owner || Number(owner) === workerId) return null;
    return ports[owner] ?? null;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, port: number) => {
    const upstream = request({ host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => {
      // The worker went away meanwhile: the answer Engine.IO gives a session it does not know, so the client starts over.
      if (!res.headersSent) res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ code: 1, message: "Session ID unknown" }));
      else res.destroy();
    });
    req.pipe(upstream);
  };

  const forwardUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, port: number) => {
    const upstream = connect(port, "127.0.0.1", () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join("\r\n") + "\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    const drop = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on("error", drop);
    socket.on("error", drop);
    upstream.on("close", () => socket.destroy());
    socket.on("close", () => upstream.destroy());
  };

  // In front of Socket.IO's own listeners on the public server.
  const onRequest = http.listeners("request") as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  const onUpgrade = http.listeners("upgrade") as Array<(req: IncomingMessage, socket: Duplex, head: Buffer) => void>;
  http.removeAllListeners("request");
  http.removeAllListeners("upgrade");
  http.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const port = elsewhere(req);
    if (port !== null) return forward(req, res, port);
    for (const l of onRequest) l.call(http, req, res);
  });
  http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const port = elsewhere(req);
    if (port !== null) return forwardUpgrade(req, socket, head, port);
    for (const l of onUpgrade) l.call(http, req, socket, head);
  });

  // The private port: Engine.IO requests passed on by the other workers, nothing else.
  const inner = createServer((req, res) => engine.handleRequest(req, res));
  inner.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => engine.handleUpgrade(req, socket, head));
  inner.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    inner.once("error", reject);
    // exclusive: this worker's own port, not one shared through the cluster's primary.
    inner.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => resolve());
  });

  return {
    port: (inner.address() as AddressInfo).port,
    setPorts(next) {
      ports = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        inner.close(() => resolve());
        inner.closeAllConnections();
      }),
  };
}
