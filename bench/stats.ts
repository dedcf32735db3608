/** Latency summaries (nearest-rank percentiles) and medians across runs. */

export type Summary = { count: number; p50: number; p95: number; p99: number; max: number; mean: number };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
  return { count: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.length ? s[s.length - 1] : NaN, mean };
}

export function median(values: number[]): number {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * The median of every numeric leaf across results of one shape. Keys missing
 * from some runs (an error code seen once) count as 0 there; other leaves come
 * from the first run.
 */
export function medianOf<T>(items: T[]): T {
  const present = items.filter((i) => i !== undefined && i !== null);
  const first = present[0] as unknown;
  if (typeof first === "number") return median(items.map((i) => (typeof i === "number" ? i : 0))) as T;
  if (first && typeof first === "object" && !Array.isArray(first)) {
    const keys = new Set(present.flatMap((i) => Object.keys(i as object)));
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = medianOf(items.map((i) => (i as Record<string, unknown> | undefined)?.[key]));
    return out as T;
  }
  return first as T;
}
