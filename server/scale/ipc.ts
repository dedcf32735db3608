import cluster, { type Worker } from "node:cluster";

/**
 * Requests from WORKERS to their primary over the cluster's IPC channel, and
 * the primary's word to all of them. Small on purpose: the primary keeps the
 * shared presence count and the map of workers' private ports (Socket.IO's
 * adapter and the rate limits bring their own IPC).
 */
const CHANNEL = "rollcall:ipc";
const TIMEOUT_MS = 5000;

type Call = { channel: typeof CHANNEL; kind: "call"; id: number; service: string; args: unknown[] };
type Reply = { channel: typeof CHANNEL; kind: "reply"; id: number; ok: boolean; value?: unknown; error?: string };
type Broadcast = { channel: typeof CHANNEL; kind: "broadcast"; topic: string; payload: unknown };
type Message = Call | Reply | Broadcast;

const isMessage = (m: unknown): m is Message => typeof m === "object" && m !== null && (m as { channel?: unknown }).channel === CHANNEL;

// ---- worker side

let nextId = 1;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
const topics = new Map<string, Set<(payload: unknown) => void>>();
let workerListening = false;

function listenAsWorker(): void {
  if (workerListening) return;
  workerListening = true;
  process.on("message", (m: unknown) => {
    if (!isMessage(m)) return;
    if (m.kind === "reply") {
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      clearTimeout(w.timer);
      if (m.ok) w.resolve(m.value);
      else w.reject(new Error(m.error ?? "the primary refused the call"));
    } else if (m.kind === "broadcast") {
      for (const fn of topics.get(m.topic) ?? []) fn(m.payload);
    }
  });
}

/** Asks the primary's `service`; rejects after 5 s without an answer. */
export function ipcCall<T>(service: string, ...args: unknown[]): Promise<T> {
  if (!process.send) return Promise.reject(new Error("not a cluster worker"));
  listenAsWorker();
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`the primary did not answer ${service} within ${TIMEOUT_MS / 1000} s`));
    }, TIMEOUT_MS);
    timer.unref?.();
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
    const call: Call = { channel: CHANNEL, kind: "call", id, service, args };
    process.send!(call, undefined, {}, (err) => {
      if (!err) return;
      waiting.delete(id);
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Hears the primary's broadcasts on `topic`; returns the function that stops listening. */
export function onIpcBroadcast(topic: string, fn: (payload: unknown) => void): () => void {
  listenAsWorker();
  let set = topics.get(topic);
  if (!set) topics.set(topic, (set = new Set()));
  set.add(fn);
  return () => void set.delete(fn);
}

// ---- primary side

type Handler = (args: unknown[], worker: Worker) => unknown;
const services = new Map<string, Handler>();
let primaryListening = false;

/** Answers workers' calls to `service` (in the primary). */
export function ipcServe(service: string, handler: Handler): void {
  services.set(service, handler);
  if (primaryListening) return;
  primaryListening = true;
  cluster.on("message", (worker: Worker, m: unknown) => {
    if (!isMessage(m) || m.kind !== "call") return;
    const reply = (r: Omit<Reply, "channel" | "kind" | "id">) => {
      if (worker.isConnected()) worker.send({ channel: CHANNEL, kind: "reply", id: m.id, ...r } satisfies Reply, undefined, () => {});
    };
    const h = services.get(m.service);
    if (!h) return reply({ ok: false, error: `unknown service ${m.service}` });
    Promise.resolve()
      .then(() => h(Array.isArray(m.args) ? m.args : [], worker))
      .then(
        (value) => reply({ ok: true, value }),
        (err) => reply({ ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  });
}

/** Tells every live worker (in the primary). */
export function ipcBroadcast(topic: string, payload: unknown): void {
  for (const worker of Object.values(cluster.workers ?? {})) {
    if (worker?.isConnected()) worker.send({ channel: CHANNEL, kind: "broadcast", topic, payload } satisfies Broadcast, undefined, () => {});
  }
}
