"use client";

import Link from "next/link";
import { useState } from "react";
import { LocalTime } from "@/components/local-time";
import { SessionTitle } from "@/components/session-title";
import { METHOD_LABEL, METHOD_TITLE, MARKS, STATUS_LABEL } from "@/components/session/format";
import { StatusChip } from "@/components/session/roster-list";
import { Alert } from "@/components/ui/alert";
import { api } from "@/lib/api/client";
import type { AttendanceStatus, Counts, RecordDto } from "@/lib/model/attendance";
import type { StudentAttendance, StudentRecord } from "@/lib/model/records";
import { StandingSummary } from "./standing";
import { useCourseChanges, useRefetched } from "./use-course-live";

const MARK_TONE: Record<AttendanceStatus, string> = {
  present: "aria-pressed:bg-emerald-700 aria-pressed:text-white aria-pressed:border-emerald-700",
  late: "aria-pressed:bg-amber-500 aria-pressed:text-black aria-pressed:border-amber-500",
  absent: "aria-pressed:bg-red-600 aria-pressed:text-white aria-pressed:border-red-600",
  excused: "aria-pressed:bg-sky-700 aria-pressed:text-white aria-pressed:border-sky-700",
};

/**
 * One student's records for staff (SPEC §12): rate, counts and every session
 * with status, time, method and note; one tap changes a past mark (audited by
 * the server like every mark). Figures come back from the server after each
 * change, and live when others mark.
 */
export function StudentRecords({ courseId, studentId, initial, canMark }: { courseId: string; studentId: string; initial: StudentAttendance; canMark: boolean }) {
  const url = `/api/courses/${encodeURIComponent(courseId)}/students/${encodeURIComponent(studentId)}/attendance`;
  const { data, setData, refetch, error: refreshError } = useRefetched<StudentAttendance>(url, initial, 500);
  const [pending, setPending] = useState<ReadonlyMap<string, AttendanceStatus>>(() => new Map());
  const [error, setError] = useState<string | null>(null);
  useCourseChanges(courseId, (c) => {
    // Only this student's marks change this page; an end may mark them absent.
    if (c.type === "attendance:marked") {
      if (c.studentId === studentId) refetch();
    } else if (!("sessionId" in c) || c.type === "session:started" || data.records.some((r) => r.sessionId === c.sessionId)) refetch();
  });

  async function mark(r: StudentRecord, status: AttendanceStatus) {
    setError(null);
    setPending((m) => new Map(m).set(r.sessionId, status));
    const res = await api<{ record: RecordDto; counts: Counts }>(`/api/sessions/${encodeURIComponent(r.sessionId)}/attendance/${encodeURIComponent(studentId)}`, {
      method: "PATCH",
      body: { status },
    });
    if (!res.ok) setError(`Could not mark ${STATUS_LABEL[status].toLowerCase()}: ${res.error.message}`);
    // The rate and counts as the server computes them, before the pending mark goes.
    const fresh = await api<StudentAttendance>(url);
    if (fresh.ok) setData(fresh.data);
    setPending((m) => {
      const next = new Map(m);
      next.delete(r.sessionId);
      return next;
    });
  }

  const { student } = data;
  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="standing-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="standing-heading" className="sr-only">
          Attendance so far
        </h2>
        <StandingSummary standing={data} />
        {data.atRisk ? (
          <Alert tone="warning" className="mt-4">
            <strong>At risk:</strong> {student.name.split(" ")[0]}&apos;s attendance is below the course&apos;s {data.warnBelowPercent}% threshold.
          </Alert>
        ) : null}
      </section>

      {error ? <Alert tone="error">{error}</Alert> : null}
      {refreshError ? (
        <p role="status" className="text-sm text-amber-900">
          Could not refresh: {refreshError}
        </p>
      ) : null}

      <section aria-labelledby="records-heading" className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <h2 id="records-heading" className="border-b border-slate-200 px-4 py-3 font-semibold">
          Every session <span className="text-sm font-normal text-slate-600">newest first</span>
        </h2>
        {data.records.length === 0 ? (
          <p className="px-4 py-8 text-center text-sm text-slate-600">No sessions yet.</p>
        ) : (
          <ul aria-label="Sessions">
            {data.records.map((r) => {
              const shown = pending.get(r.sessionId) ?? r.status;
              return (
                <li
                  key={r.sessionId}
                  data-session-id={r.sessionId}
                  data-status={r.status ?? "none"}
                  className="grid grid-cols-[minmax(0,1fr)_auto] items-center gap-x-4 gap-y-2 border-b border-slate-100 px-4 py-3 last:border-b-0 md:grid-cols-[minmax(0,1.3fr)_7rem_minmax(0,1fr)_17.75rem]"
                >
                  <div className="min-w-0">
                    <Link href={`/sessions/${encodeURIComponent(r.sessionId)}`} className="block truncate font-medium text-brand-700 hover:underline">
                      <SessionTitle title={r.title} startedAt={r.startedAt} />
                    </Link>
                    <p className="text-sm text-slate-600">
                      {r.title === null ? null : <LocalTime iso={r.startedAt} />}
                      {r.sessionStatus === "active" ? <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800">Live</span> : null}
                    </p>
                  </div>
                  <div className={`justify-self-end md:justify-self-start ${pending.has(r.sessionId) ? "opacity-60" : ""}`}>
                    <StatusChip status={shown ?? "unmarked"} lateMinutes={pending.has(r.sessionId) ? null : r.lateMinutes} />
                  </div>
                  <div className="col-span-2 min-w-0 text-sm text-slate-600 md:col-span-1">
                    {r.checkedInAt ? (
                      <span>
                        Checked in <LocalTime iso={r.checkedInAt} format="time" />
                      </span>
                    ) : null}
                    {r.checkedInAt && r.method ? <span aria-hidden="true"> · </span> : null}
                    {r.method ? <span title={METHOD_TITLE[r.method]}>{METHOD_LABEL[r.method]}</span> : null}
                    {r.note ? <p className="truncate text-slate-700">Note: {r.note}</p> : null}
                  </div>
                  {canMark ? (
                    <div role="group" aria-label={`Mark ${student.name}${r.title ? ` for ${r.title}` : ""}`} className="col-span-2 flex gap-1 md:col-span-1">
                      {MARKS.map((m) => (
                        <button
                          key={m}
                          type="button"
                          aria-pressed={shown === m}
                          disabled={pending.has(r.sessionId)}
                          onClick={() => (shown === m ? undefined : mark(r, m))}
                          className={`min-w-[4.25rem] rounded-md border border-slate-300 bg-white px-2 py-1.5 text-xs font-semibold text-slate-700 transition-colors hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-600 disabled:cursor-wait ${MARK_TONE[m]}`}
                        >
                          {STATUS_LABEL[m]}
                        </button>
                      ))}
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}
