"use client";

import Link from "next/link";
import { useMemo, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { LocalTime } from "@/components/local-time";
import type { CourseReport, ReportStudent } from "@/lib/model/records";
import { formatRate, StatusCell } from "./status";

type SortKey = "name" | "rate";
type Sort = { key: SortKey; dir: "asc" | "desc" };

/** Rows beyond this are windowed: a 500-student course stays quick to scroll. */
const VIRTUAL_FROM = 150;
const ROW_PX = 49;

/**
 * Sorts the report's rows. By name keeps the server's order (a Unicode
 * collation); by rate puts students without a rate last either way, and
 * keeps name order among equal rates.
 */
export function sortStudents(students: ReportStudent[], sort: Sort): ReportStudent[] {
  const indexed = students.map((s, i) => ({ s, i }));
  if (sort.key === "name") return (sort.dir === "asc" ? indexed : [...indexed].reverse()).map((x) => x.s);
  const dir = sort.dir === "asc" ? 1 : -1;
  return indexed
    .sort((a, b) => {
      if (a.s.rate === null || b.s.rate === null) return (a.s.rate === null ? 1 : 0) - (b.s.rate === null ? 1 : 0) || a.i - b.i;
      return (a.s.rate - b.s.rate) * dir || a.i - b.i;
    })
    .map((x) => x.s);
}

/**
 * Students × sessions: a sticky header row and first column, each status as
 * colour and letter, sortable by name and by rate, optionally only the
 * students at risk.
 */
export function ReportGrid({ courseId, report }: { courseId: string; report: CourseReport }) {
  const [sort, setSort] = useState<Sort>({ key: "name", dir: "asc" });
  const [atRiskOnly, setAtRiskOnly] = useState(false);
  const rows = useMemo(() => {
    const list = atRiskOnly ? report.students.filter((s) => s.atRisk) : report.students;
    return sortStudents(list, sort);
  }, [report.students, atRiskOnly, sort]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = rows.length > VIRTUAL_FROM;
  // The virtualizer's functions change every render; this component is not memoised, so that is fine.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 12,
    enabled: virtual,
  });
  const items = virtual ? virtualizer.getVirtualItems() : null;
  const shown = items ? items.map((v) => ({ row: rows[v.index], index: v.index })) : rows.map((row, index) => ({ row, index }));
  const padTop = items && items.length ? items[0].start : 0;
  const padBottom = items && items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;

  const toggle = (key: SortKey) =>
    setSort((s) => (s.key === key ? { key, dir: s.dir === "asc" ? "desc" : "asc" } : { key, dir: key === "rate" ? "asc" : "asc" }));
  const ariaSort = (key: SortKey) => (sort.key === key ? (sort.dir === "asc" ? "ascending" : "descending") : "none");
  const arrow = (key: SortKey) => (sort.key === key ? (sort.dir === "asc" ? "↑" : "↓") : "↕");
  const atRiskCount = report.summary.atRisk;
  const colCount = 2 + report.sessions.length;

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
          <input type="checkbox" checked={atRiskOnly} onChange={(e) => setAtRiskOnly(e.target.checked)} className="h-4 w-4 accent-brand-600" />
          Only students at risk ({atRiskCount})
        </label>
        <p className="text-sm text-slate-600" aria-live="polite">
          {rows.length === report.students.length ? `${rows.length} students` : `${rows.length} of ${report.students.length} students`}
        </p>
      </div>
      <div
        ref={scroller}
        role="region"
        aria-label="Attendance grid, students by sessions"
        tabIndex={0}
        className="relative max-h-[70vh] overflow-auto rounded-lg border border-slate-200 focus-visible:outline-2 focus-visible:outline-brand-600"
      >
        <table className="border-separate border-spacing-0 text-sm" aria-rowcount={rows.length + 1} data-testid="report-grid">
          <caption className="sr-only">
            Attendance of each student in each session, oldest session first. P present, L late, A absent, E excused.
          </caption>
          <thead>
            <tr aria-rowindex={1}>
              <th
                scope="col"
                aria-sort={ariaSort("name")}
                className="sticky left-0 top-0 z-30 min-w-[9rem] border-b border-r border-slate-200 bg-slate-50 px-3 py-2 text-left font-semibold text-slate-700 sm:min-w-[14rem]"
              >
                <button type="button" onClick={() => toggle("name")} className="inline-flex items-center gap-1 rounded hover:text-slate-950 focus-visible:outline-2 focus-visible:outline-brand-600">
                  Student <span aria-hidden="true">{arrow("name")}</span>
                </button>
              </th>
              <th scope="col" aria-sort={ariaSort("rate")} className="sticky top-0 z-20 border-b border-slate-200 bg-slate-50 px-3 py-2 text-right font-semibold text-slate-700">
                <button type="button" onClick={() => toggle("rate")} className="inline-flex items-center gap-1 rounded hover:text-slate-950 focus-visible:outline-2 focus-visible:outline-brand-600">
                  Rate <span aria-hidden="true">{arrow("rate")}</span>
                </button>
              </th>
              {report.sessions.map((s) => (
                <th key={s.id} scope="col" className="sticky top-0 z-20 border-b border-slate-200 bg-slate-50 px-1 py-2 text-center align-bottom font-medium text-slate-700">
                  <Link href={`/sessions/${encodeURIComponent(s.id)}`} className="block max-w-[4.5rem] rounded text-xs leading-tight hover:underline focus-visible:outline-2 focus-visible:outline-brand-600" title={s.title ?? undefined}>
                    <span className="block whitespace-nowrap font-semibold">
                      <LocalTime iso={s.startedAt} format="day" />
                    </span>
                    <span className="block truncate font-normal text-slate-600">{s.title ?? <LocalTime iso={s.startedAt} format="time" />}</span>
                  </Link>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {padTop > 0 ? (
              <tr aria-hidden="true">
                <td colSpan={colCount} style={{ height: padTop, padding: 0 }} />
              </tr>
            ) : null}
            {shown.map(({ row, index }) => (
              <tr key={row.id} aria-rowindex={index + 2} data-student-id={row.id} data-at-risk={row.atRisk || undefined} className="group">
                <th scope="row" className="sticky left-0 z-10 border-b border-r border-slate-100 bg-white px-3 py-1.5 text-left font-normal group-hover:bg-slate-50">
                  <Link href={`/courses/${encodeURIComponent(courseId)}/students/${encodeURIComponent(row.id)}`} className="block max-w-[8.5rem] truncate font-medium text-brand-700 hover:underline sm:max-w-[13rem]">
                    {row.name}
                  </Link>
                  {row.atRisk ? (
                    <span className="mt-0.5 inline-block rounded bg-red-100 px-1.5 text-xs font-semibold text-red-800">At risk</span>
                  ) : (
                    <span className="block max-w-[8.5rem] truncate text-xs text-slate-600 sm:max-w-[13rem]">{row.studentNumber ?? row.email}</span>
                  )}
                </th>
                <td className={`border-b border-slate-100 px-3 py-1.5 text-right font-semibold tabular-nums ${row.atRisk ? "text-red-800" : "text-slate-900"}`}>{formatRate(row.rate)}</td>
                {report.sessions.map((s) => (
                  <td key={s.id} className="border-b border-slate-100 px-1 py-1.5 text-center">
                    <StatusCell status={row.statuses[s.id] ?? null} />
                  </td>
                ))}
              </tr>
            ))}
            {padBottom > 0 ? (
              <tr aria-hidden="true">
                <td colSpan={colCount} style={{ height: padBottom, padding: 0 }} />
              </tr>
            ) : null}
          </tbody>
        </table>
        {rows.length === 0 ? <p className="px-4 py-8 text-center text-sm text-slate-600">{atRiskOnly ? "No student is at risk." : "No approved students yet."}</p> : null}
      </div>
    </div>
  );
}
