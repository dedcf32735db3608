import type { IncomingMessage, ServerResponse } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";

/**
 * Measured inside a bench server (Rollcall's or the floor's) and served on the
 * bench-only path `/__bench/stats`; `?reset=1` answers and then starts a new
 * measuring window. Nothing here exists in a production server.
 */
export type ServerStats = {
  windowMs: number;
  /** The window on the monotonic clock V8's CPU profiles use (µs), to cut a profile to the measured minute. */
  windowStartUs: number;
  windowEndUs: number;
  rssPeak: number;
  rssNow: number;
  heapUsedPeak: number;
  /** Peak RSS since the process started (kernel figure), including seeding. */
  maxRssSinceStart: number;
  eventLoopDelayP50Ms: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  connectedSockets: number;
};

export const STATS_PATH = "/__bench/stats";

const RSS_SAMPLE_MS = 50;

export function benchStats(connectedSockets: () => number) {
  // 5 ms resolution: fine enough for a p99 that is meant to stay well under 100 ms.
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
  let since = performance.now();
  let sinceUs = monotonicUs();
  let cpu = process.cpuUsage();
  let rssPeak = 0;
  let heapPeak = 0;
  const sample = () => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  };
  sample();
  setInterval(sample, RSS_SAMPLE_MS).unref();

  const snapshot = (): ServerStats => {
    sample();
    const used = process.cpuUsage(cpu);
    const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
    return {
      windowMs: performance.now() - since,
      windowStartUs: sinceUs,
      windowEndUs: monotonicUs(),
      rssPeak,
      rssNow: process.memoryUsage.rss(),
      heapUsedPeak: heapPeak,
      maxRssSinceStart: process.resourceUsage().maxRSS * 1024,
      eventLoopDelayP50Ms: ms(eld.percentile(50)),
      eventLoopDelayP99Ms: ms(eld.percentile(99)),
      eventLoopDelayMaxMs: ms(eld.max),
      cpuUserMs: used.user / 1000,
      cpuSystemMs: used.system / 1000,
      connectedSockets: connectedSockets(),
    };
  };

  const reset = () => {
    eld.reset();
    since = performance.now();
    sinceUs = monotonicUs();
    cpu = process.cpuUsage();
    rssPeak = 0;
    heapPeak = 0;
    sample();
  };

  /** For `startServer({ intercept })`: answers the stats path and lets everything else through. */
  const intercept = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!req.url?.startsWith(STATS_PATH)) return false;
    const url = new URL(req.url, "http://bench.invalid");
    const body = JSON.stringify(snapshot());
    if (url.searchParams.has("reset")) reset();
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(body);
    return true;
  };

  return { intercept, snapshot, reset };
}
