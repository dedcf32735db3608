"use client";

import { buttonClass } from "@/components/ui/button";
import type { CourseReport } from "@/lib/model/records";
import { RatesChart, SessionsChart } from "./report-charts";
import { ReportGrid } from "./report-grid";
import { formatRate, StatusLegend } from "./status";
import { useCourseChanges, useRefetched } from "./use-course-live";

export type ReportRange = { from: string | null; to: string | null };

function query(range: ReportRange, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  if (range.from) q.set("from", range.from);
  if (range.to) q.set("to", range.to);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/**
 * The report tab (SPEC §12): date range, summary, charts, the grid and the
 * exports. Server-rendered with the range from the address; live after that
 * (a mark or a session ending fetches the report again, at most every 2 s).
 */
export function ReportView({ courseId, initial, range }: { courseId: string; initial: CourseReport; range: ReportRange }) {
  const base = `/api/courses/${encodeURIComponent(courseId)}`;
  const { data: report, refetch, error } = useRefetched<CourseReport>(`${base}/report${query(range)}`, initial, 2000);
  useCourseChanges(courseId, (c) => {
    if (!("sessionId" in c) || c.type === "session:started" || report.sessions.some((s) => s.id === c.sessionId)) refetch();
  });
  const { course, summary } = report;

  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="range-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="range-heading" className="sr-only">
          Dates and export
        </h2>
        <div className="flex flex-wrap items-end justify-between gap-4">
          <form method="get" action={`/courses/${encodeURIComponent(courseId)}`} className="flex flex-wrap items-end gap-3">
            <input type="hidden" name="tab" value="report" />
            <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
              From
              <input type="date" name="from" defaultValue={range.from ?? ""} className="rounded-lg border border-slate-300 bg-white px-3 py-2 text-base shadow-sm" />
            </label>
            <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
              To
              <input type="date" name="to" defaultValue={range.to ?? ""} className="rounded-lg border border-slate-300 bg-white px-3 py-2 text-base shadow-sm" />
            </label>
            <button type="submit" className={buttonClass("secondary")}>
              Show
            </button>
            {range.from || range.to ? (
              <a href={`/courses/${encodeURIComponent(courseId)}?tab=report`} className="py-2.5 text-sm font-semibold text-brand-700 hover:underline">
                All dates
              </a>
            ) : null}
          </form>
          <div className="flex flex-wrap gap-2">
            <a href={`${base}/export.csv${query(range, { layout: "matrix" })}`} download className={buttonClass("primary")} data-testid="export-matrix">
              Export grid (CSV)
            </a>
            <a href={`${base}/export.csv${query(range, { layout: "records" })}`} download className={buttonClass("secondary")} data-testid="export-records">
              Export records (CSV)
            </a>
          </div>
        </div>
        <p className="mt-3 text-sm text-slate-600">
          Dates are days in the course&apos;s time zone ({course.timeZone}). The exports open in Excel, Numbers or Sheets with the same range.
        </p>
      </section>

      {error ? (
        <p role="status" className="text-sm text-amber-900">
          Could not refresh the report: {error}
        </p>
      ) : null}

      <dl className="grid grid-cols-3 gap-3 sm:gap-4">
        <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          <dt className="text-sm text-slate-600">Sessions</dt>
          <dd className="text-2xl font-bold tabular-nums sm:text-3xl" data-testid="summary-sessions">
            {summary.sessions}
          </dd>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          <dt className="text-sm text-slate-600">Average rate</dt>
          <dd className="text-2xl font-bold tabular-nums sm:text-3xl" data-testid="summary-average">
            {formatRate(summary.averageRate)}
          </dd>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          <dt className="text-sm text-slate-600">{course.warnBelowPercent > 0 ? `At risk (below ${course.warnBelowPercent}%)` : "At risk (warnings off)"}</dt>
          <dd className={`text-2xl font-bold tabular-nums sm:text-3xl ${summary.atRisk > 0 ? "text-red-800" : ""}`} data-testid="summary-at-risk">
            {summary.atRisk}
          </dd>
        </div>
      </dl>

      <div className="grid gap-6 lg:grid-cols-2">
        <div className="min-w-0 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <SessionsChart report={report} />
        </div>
        <div className="min-w-0 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <RatesChart report={report} />
        </div>
      </div>

      <section aria-labelledby="grid-heading" className="min-w-0 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="grid-heading" className="mb-3 text-lg font-semibold">
          Students × sessions
        </h2>
        <ReportGrid courseId={courseId} report={report} />
        <div className="mt-4">
          <StatusLegend />
        </div>
        <p className="mt-3 text-sm text-slate-600">
          Rate: (present + late × {course.lateCredit}) ÷ (present + late + absent) over ended sessions; excused and unmarked sessions do not count. A
          student is at risk below {course.warnBelowPercent}% once at least 3 sessions count.
        </p>
      </section>
    </div>
  );
}
