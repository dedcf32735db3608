"use client";

import { useSyncExternalStore } from "react";

const FORMATS = {
  datetime: { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" },
  date: { weekday: "short", month: "short", day: "numeric", year: "numeric" },
  time: { hour: "2-digit", minute: "2-digit" },
  day: { month: "short", day: "numeric" },
  weekday: { weekday: "short", month: "short", day: "numeric" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

const noSubscribe = () => () => {};

/**
 * A time in the reader's own time zone. The server renders UTC, and the first
 * client render swaps in local time without a hydration mismatch.
 */
export function LocalTime({ iso, format = "datetime" }: { iso: string; format?: keyof typeof FORMATS }) {
  const text = useSyncExternalStore(
    noSubscribe,
    () => new Date(iso).toLocaleString(undefined, FORMATS[format]),
    () => new Date(iso).toLocaleString("en-US", { ...FORMATS[format], timeZone: "UTC" }),
  );
  return <time dateTime={iso}>{text}</time>;
}
