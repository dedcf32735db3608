import { z } from "zod";

// Dates in a course's own time zone (SPEC §9, §10): the date filters, and
// every date the server writes into text (CSV headers and cells, file names).
// Pages never use these: the browser formats dates in the viewer's zone.

type Parts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset at `ms` from the platform's zone database, to the second (slow: formatToParts). */
function exactOffsetMs(ms: number, timeZone: string): number {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== "literal" && p.type !== "era") out[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(out.year, out.month - 1, out.day, out.hour === 24 ? 0 : out.hour, out.minute, out.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

// An export writes tens of thousands of times; asking Intl for each costs
// seconds. Offsets change at most once in any quarter hour, so a quarter hour
// whose first and last millisecond share an offset has it throughout: cached.
const BUCKET_MS = 15 * 60_000;
const MAX_CACHED = 50_000;
const offsetCache = new Map<string, Map<number, number | null>>();

/** The zone's offset from UTC at instant `ms`, in milliseconds (east positive). */
function offsetMs(ms: number, timeZone: string): number {
  let cache = offsetCache.get(timeZone);
  if (!cache) offsetCache.set(timeZone, (cache = new Map()));
  const bucket = Math.floor(ms / BUCKET_MS);
  let known = cache.get(bucket);
  if (known === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    const first = exactOffsetMs(bucket * BUCKET_MS, timeZone);
    known = first === exactOffsetMs(bucket * BUCKET_MS + BUCKET_MS - 1, timeZone) ? first : null;
    cache.set(bucket, known);
  }
  return known ?? exactOffsetMs(ms, timeZone);
}

/** The wall-clock reading in `timeZone` at instant `ms`. */
export function zonedParts(ms: number, timeZone: string): Parts {
  const d = new Date(ms + offsetMs(ms, timeZone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/** The zone's offset from UTC at instant `ms`, in whole minutes (east positive). */
export function offsetMinutes(ms: number, timeZone: string): number {
  return Math.round(offsetMs(ms, timeZone) / 60_000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** `YYYY-MM-DD` in the zone. */
export function zonedDate(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** `YYYY-MM-DD HH:mm` in the zone: a session's column in the CSV matrix. */
export function zonedDateTime(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** ISO 8601 with the zone's UTC offset at that instant, to the second: `2026-09-01T09:00:00+02:00`. */
export function zonedIso(ms: number, timeZone: string): string {
  const offset = offsetMs(ms, timeZone);
  const d = new Date(ms + offset);
  const off = Math.round(offset / 60_000);
  const abs = Math.abs(off);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${off < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

const dayNumber = (ymd: string) => {
  const [y, m, d] = ymd.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
};

const SEARCH_MS = 18 * 3_600_000;

/**
 * The first instant of calendar day `ymd` in `timeZone`. Usually local
 * midnight; where midnight falls into a daylight-saving gap, the first
 * instant that exists. Found by bisection over whole seconds (the day's
 * start lies within ±18 h of UTC midnight in every zone).
 */
export function startOfZonedDay(ymd: string, timeZone: string): number {
  const target = dayNumber(ymd);
  const utcMidnight = target * 86_400_000;
  let lo = (utcMidnight - SEARCH_MS) / 1000; // local date < ymd here
  let hi = (utcMidnight + SEARCH_MS) / 1000; // local date >= ymd here
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (dayNumber(zonedDate(mid * 1000, timeZone)) >= target) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

/** The day after `ymd`, as `YYYY-MM-DD`. */
export function nextDay(ymd: string): string {
  const d = new Date((dayNumber(ymd) + 1) * 86_400_000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** A real calendar date written `YYYY-MM-DD`. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date written YYYY-MM-DD.")
  .refine((s) => {
    const [y, m, d] = s.split("-").map(Number);
    const t = new Date(Date.UTC(y, m - 1, d));
    return y >= 1970 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }, "That date does not exist.");

/** `from`/`to` as given (both inclusive), and the instants they cover in the course's zone: [fromMs, toMs). */
export type DateRange = { from: string | null; to: string | null };
export type InstantRange = { fromMs: number | null; toMs: number | null };

export function instantRange(range: DateRange, timeZone: string): InstantRange {
  return {
    fromMs: range.from === null ? null : startOfZonedDay(range.from, timeZone),
    toMs: range.to === null ? null : startOfZonedDay(nextDay(range.to), timeZone),
  };
}
