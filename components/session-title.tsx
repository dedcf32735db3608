import { LocalTime } from "./local-time";

// lib/attendance/lifecycle.ts names an untitled session after its start, in the
// server's time zone; such a title is shown as a time in the reader's zone instead.
const AUTO_TITLE: Intl.DateTimeFormatOptions = { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };

export function isAutoTitle(title: string, startedAt: string): boolean {
  return title === new Date(startedAt).toLocaleString("en-US", AUTO_TITLE);
}

/** A session's name: its own title, or its start time when it was never given one. */
export function SessionTitle({ title, startedAt }: { title: string; startedAt: string }) {
  return isAutoTitle(title, startedAt) ? <LocalTime iso={startedAt} /> : <>{title}</>;
}
