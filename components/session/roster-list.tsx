"use client";

import { memo } from "react";
import type { AttendanceStatus, RosterRow } from "@/lib/model/attendance";
import { clockTime, MARKS, METHOD_LABEL, METHOD_TITLE, STATUS_LABEL, STATUS_TONE, type RowStatus } from "./format";
import { useHydrated } from "./use-now";

export type MarkHandler = (studentId: string, studentName: string, status: AttendanceStatus) => void;

export function StatusChip({ status, lateMinutes }: { status: RowStatus; lateMinutes?: number | null }) {
  return (
    <span className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ring-inset ${STATUS_TONE[status]}`}>
      {STATUS_LABEL[status]}
      {status === "late" && lateMinutes ? <span className="font-medium">· {lateMinutes} min</span> : null}
    </span>
  );
}

/** After the end most of a hall's empty seats are "Absent": shown calmly, not as a wall of red. */
const ENDED_MARK_TONE: Record<AttendanceStatus, string> = {
  present: "aria-pressed:bg-emerald-50 aria-pressed:text-emerald-900 aria-pressed:border-emerald-600",
  late: "aria-pressed:bg-amber-50 aria-pressed:text-amber-950 aria-pressed:border-amber-500",
  absent: "aria-pressed:bg-slate-100 aria-pressed:text-slate-700 aria-pressed:border-slate-400",
  excused: "aria-pressed:bg-sky-50 aria-pressed:text-sky-900 aria-pressed:border-sky-600",
};

const MARK_TONE: Record<AttendanceStatus, string> = {
  present: "aria-pressed:bg-emerald-700 aria-pressed:text-white aria-pressed:border-emerald-700",
  late: "aria-pressed:bg-amber-500 aria-pressed:text-black aria-pressed:border-amber-500",
  absent: "aria-pressed:bg-red-600 aria-pressed:text-white aria-pressed:border-red-600",
  excused: "aria-pressed:bg-sky-700 aria-pressed:text-white aria-pressed:border-sky-700",
};

/**
 * One student. Memoised: a check-in replaces one row object in the store, so
 * only that row renders again. `pending` is the mark the teacher just tapped,
 * shown at once until the server answers.
 */
export const RosterRowView = memo(function RosterRowView({
  row,
  detail = null,
  pending,
  onMark,
  virtual,
  ended = false,
}: {
  row: RosterRow;
  /** A second line that tells students of the same name apart (their e-mail). */
  detail?: string | null;
  pending: AttendanceStatus | null;
  onMark: MarkHandler;
  /** In a long roster only the rows on screen exist: where this one sits, and how the list measures it. */
  virtual?: { index: number; total: number; top: number; measure: (el: Element | null) => void };
  /** The session is over: marks still change, in calmer colours. */
  ended?: boolean;
}) {
  const hydrated = useHydrated();
  const shown: RowStatus = pending ?? row.status;
  return (
    <li
      data-student-id={row.studentId}
      data-status={row.status}
      {...(virtual
        ? {
            ref: virtual.measure,
            "data-index": virtual.index,
            "aria-setsize": virtual.total,
            "aria-posinset": virtual.index + 1,
            style: { position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${virtual.top}px)` },
          }
        : {})}
      className="grid grid-cols-[minmax(0,1fr)_auto] items-center gap-x-4 gap-y-2 border-b border-slate-100 px-4 py-2.5 [contain-intrinsic-size:auto_56px] [content-visibility:auto] last:border-b-0 md:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_17.75rem]"
    >
      <div className="min-w-0">
        <p className="flex items-center gap-1.5 truncate font-medium text-slate-900">
          <span className="truncate">{row.studentName}</span>
          {row.flagged ? (
            <span title="Another student tried to check in with this student's device" className="shrink-0 rounded bg-orange-100 px-1.5 text-xs font-semibold text-orange-900">
              flagged
            </span>
          ) : null}
        </p>
        {detail ? <p className="truncate text-xs text-slate-600">{detail}</p> : null}
        {row.note ? <p className="truncate text-xs text-slate-600">Note: {row.note}</p> : null}
      </div>
      {/* One column says the status: the pressed mark. "Not yet" and minutes late go beside the time. */}
      <p className="whitespace-nowrap text-xs text-slate-600 md:text-sm">
        {row.checkedInAt ? <time dateTime={row.checkedInAt}>{hydrated ? clockTime(row.checkedInAt) : ""}</time> : null}
        {row.checkedInAt && row.method ? <span aria-hidden="true"> · </span> : null}
        {row.method ? <span title={METHOD_TITLE[row.method]}>{METHOD_LABEL[row.method]}</span> : null}
        {shown === "late" && !pending && row.lateMinutes ? <span className="font-semibold text-amber-900"> · {row.lateMinutes} min late</span> : null}
        {shown === "unmarked" ? <span className="text-slate-600">{STATUS_LABEL.unmarked}</span> : null}
      </p>
      <div role="group" aria-label={`Mark ${row.studentName}`} className="col-span-2 flex gap-1 md:col-span-1">
        {MARKS.map((m) => (
          <button
            key={m}
            type="button"
            aria-pressed={shown === m}
            // Until the page's script runs a tap would do nothing: say so rather than lose it.
            disabled={!hydrated}
            onClick={() => (shown === m ? undefined : onMark(row.studentId, row.studentName, m))}
            className={`min-w-[4.25rem] rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-semibold text-slate-700 transition-colors hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-600 ${(ended ? ENDED_MARK_TONE : MARK_TONE)[m]}`}
          >
            {STATUS_LABEL[m]}
          </button>
        ))}
      </div>
    </li>
  );
});
