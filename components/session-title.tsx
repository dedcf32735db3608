import Link from "next/link";
import { LocalTime } from "./local-time";

/** A session's name: its own title, or, when it has none, its start time in the reader's own zone and locale. */
export function SessionTitle({ title, startedAt }: { title: string | null; startedAt: string }) {
  return title ? <>{title}</> : <LocalTime iso={startedAt} />;
}

/** A session in a list: its name linking to it, and its start time beneath when the name is its own title. */
export function SessionLink({ id, title, startedAt }: { id: string; title: string | null; startedAt: string }) {
  return (
    <>
      <Link href={`/sessions/${encodeURIComponent(id)}`} className="font-medium text-brand-700 hover:underline">
        <SessionTitle title={title} startedAt={startedAt} />
      </Link>
      {title === null ? null : (
        <span className="block text-slate-600">
          <LocalTime iso={startedAt} />
        </span>
      )}
    </>
  );
}

/** Live or ended, as a badge in a list of sessions. */
export function SessionStatusBadge({ status }: { status: string }) {
  return status === "active" ? (
    <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800">Live</span>
  ) : (
    <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-semibold text-slate-700">Ended</span>
  );
}
