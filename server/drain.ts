import { processSingleton } from "@/lib/process-store";
import type { RollcallServer } from "@/lib/realtime/io";

/**
 * Work in flight in this process (HTTP requests, socket events), so a node
 * that is asked to stop lets its check-ins commit and answer before it closes
 * its sockets and its database (SPEC §11: an acknowledged check-in survives
 * any node; graceful shutdown drains).
 */
type Tracker = { count: number; waiters: Set<() => void> };

const tracker = () => processSingleton<Tracker>("server.inFlight", () => ({ count: 0, waiters: new Set() }));

/** Counts one piece of work until `done` is called (once). */
export function begin(): () => void {
  const t = tracker();
  t.count++;
  let finished = false;
  return () => {
    if (finished) return;
    finished = true;
    t.count--;
    if (t.count === 0) for (const w of [...t.waiters]) w();
  };
}

export function inFlight(): number {
  return tracker().count;
}

/** Resolves when nothing is in flight, or after `timeoutMs`; says whether it got there. */
export function settled(timeoutMs: number): Promise<boolean> {
  const t = tracker();
  if (t.count === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      t.waiters.delete(onIdle);
      resolve(ok);
    };
    const onIdle = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    t.waiters.add(onIdle);
  });
}

type Closable = { close(cb?: (err?: Error) => void): unknown; closeIdleConnections?(): void; closeAllConnections?(): void };

/** How long the last answers get to leave before the sockets are cut. */
const FLUSH_MS = 2000;

/**
 * A node's graceful stop (SPEC §11): it stops accepting connections (under
 * WORKERS the primary stops sending it any; a load balancer sees the port
 * closed), lets the requests and socket events it accepted commit and answer
 * (at most `drainMs`), then disconnects its own sockets — after their last
 * answers have left, so phones and consoles reconnect to another node or
 * worker knowing what happened — and waits once more for anything a last
 * event started. The caller closes the database after.
 */
export async function drainServer(http: Closable, io: RollcallServer, drainMs: number): Promise<void> {
  http.close();
  http.closeIdleConnections?.();
  await settled(drainMs);
  // This node's sockets only (`local`: with an adapter, the others' would go too). Each goes once its buffer is sent;
  // io.close() alone would discard what is still buffered, acks included.
  io.local.disconnectSockets(true);
  const deadline = Date.now() + FLUSH_MS;
  while (io.engine.clientsCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // Closes what is left and the HTTP server (already closing: its error is expected).
  await new Promise<void>((resolve) => void io.close(() => resolve()));
  http.closeAllConnections?.();
  await settled(drainMs);
}
