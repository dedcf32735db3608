import { LocalTime } from "./local-time";

/** A session's name: its own title, or, when it has none, its start time in the reader's own zone and locale. */
export function SessionTitle({ title, startedAt }: { title: string | null; startedAt: string }) {
  return title ? <>{title}</> : <LocalTime iso={startedAt} />;
}
