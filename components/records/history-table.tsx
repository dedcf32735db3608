"use client";

import { SessionLink, SessionStatusBadge } from "@/components/session-title";
import type { StaffHistorySession } from "@/lib/model/records";
import { formatRate } from "./status";
import { useCourseChanges, useRefetched } from "./use-course-live";

/**
 * The course's sessions, newest first (SPEC §12): date in the viewer's zone,
 * title, counts and rate; each opens the session. Live: a session starting or
 * ending, and every mark, fetch the list again (at most once a second).
 */
export function HistoryTable({ courseId, initial }: { courseId: string; initial: StaffHistorySession[] }) {
  const { data, refetch, error } = useRefetched<{ sessions: StaffHistorySession[] }>(`/api/courses/${encodeURIComponent(courseId)}/sessions`, { sessions: initial }, 1000);
  const sessions = data.sessions;
  useCourseChanges(courseId, (c) => {
    // The page's one socket may also hear other courses' sessions (a console opened before): only ours matter.
    if (!("sessionId" in c) || c.type === "session:started" || sessions.some((s) => s.id === c.sessionId)) refetch();
  });

  if (sessions.length === 0) return <p className="text-slate-700">No sessions yet. Start one from the Overview tab; it will appear here as it runs.</p>;
  return (
    <div className="flex flex-col gap-3">
      {error ? (
        <p role="status" className="text-sm text-amber-900">
          Could not refresh: {error}
        </p>
      ) : null}
      <div className="-mx-5 overflow-x-auto" role="region" aria-label="Sessions" tabIndex={0}>
        <table className="w-full min-w-[40rem] text-left text-sm">
          <caption className="sr-only">Sessions of this course, newest first, with their attendance</caption>
          <thead className="border-b border-slate-200 text-slate-600">
            <tr>
              <th scope="col" className="px-5 py-2 font-medium">
                Session
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Status
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Present
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Late
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Absent
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Excused
              </th>
              <th scope="col" className="px-5 py-2 text-right font-medium">
                Rate
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {sessions.map((s) => (
              <tr key={s.id} data-session-id={s.id}>
                <th scope="row" className="px-5 py-2.5 text-left font-normal">
                  <SessionLink id={s.id} title={s.title} startedAt={s.startedAt} />
                </th>
                <td className="px-3 py-2.5">
                  <SessionStatusBadge status={s.status} />
                </td>
                <td className="px-3 py-2.5 text-right tabular-nums">{s.counts.present}</td>
                <td className="px-3 py-2.5 text-right tabular-nums">{s.counts.late}</td>
                <td className="px-3 py-2.5 text-right tabular-nums">{s.counts.absent}</td>
                <td className="px-3 py-2.5 text-right tabular-nums">{s.counts.excused}</td>
                <td className="px-5 py-2.5 text-right font-semibold tabular-nums">{formatRate(s.rate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="text-sm text-slate-600">
        Rate: present and late (late weighted by the course&apos;s late credit) out of every mark except excused. A live session&apos;s figures change as students check in.
      </p>
    </div>
  );
}
