import { processSingleton } from "./process-store";

/**
 * Log lines a client can cause (a malformed sign-in link, an unexpected
 * error) are written at most once per cause per window, so a script cannot
 * flood the log: later ones are counted and reported with the next line.
 */
const WINDOW_MS = 10 * 60_000;
const MAX_CAUSES = 500;

type Entry = { until: number; suppressed: number };
const entries = () => processSingleton("log.limited", () => new Map<string, Entry>());

/** Runs `write` unless `cause` was logged in the last ten minutes; `write` gets how many were suppressed meanwhile. */
export function logLimited(cause: string, write: (suppressed: number) => void, t = Date.now()): boolean {
  const map = entries();
  const key = cause.slice(0, 200);
  const e = map.get(key);
  if (e && e.until > t) {
    e.suppressed++;
    return false;
  }
  if (!e && map.size >= MAX_CAUSES) map.delete(map.keys().next().value!);
  map.delete(key);
  map.set(key, { until: t + WINDOW_MS, suppressed: 0 });
  write(e?.suppressed ?? 0);
  return true;
}

export const suppressedNote = (n: number) => (n > 0 ? ` (${n} more like it since the last report)` : "");
