"use client";

import { useId, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { STATUS_LABEL } from "@/components/session/format";
import { useHydrated } from "@/components/session/use-now";
import type { CourseReport } from "@/lib/model/records";
import { ATTENDANCE_STATUSES } from "@/lib/model/vocabulary";

// Drawn by recharts from the page's own bundle: no CDN, works offline. Each
// chart is hidden from screen readers and has a table with the same numbers
// (visually hidden unless "Show the numbers" is pressed).

/** recharts draws its tooltip in white: the theme's surface instead, so it is readable in dark mode too. */
const TOOLTIP = { background: "var(--color-white)", borderColor: "var(--color-slate-200)", color: "var(--color-slate-900)" };
const FILL = { present: "#059669", late: "#f59e0b", absent: "#dc2626", excused: "#0284c7" } as const;

export type SessionBar = { id: string; label: string; present: number; late: number; absent: number; excused: number; none: number };

/** Each session's marks among the report's students, oldest first. */
export function sessionBars(report: CourseReport, label: (iso: string) => string): SessionBar[] {
  return report.sessions.map((s) => {
    const bar: SessionBar = { id: s.id, label: s.title ?? label(s.startedAt), present: 0, late: 0, absent: 0, excused: 0, none: 0 };
    for (const st of report.students) {
      const v = st.statuses[s.id];
      if (v) bar[v] += 1;
      else bar.none += 1;
    }
    return bar;
  });
}

export type RateBucket = { label: string; from: number; to: number; students: number; belowThreshold: boolean };

/** Students per tenth of the rate (the last bucket is exactly 100 %); students without a rate are counted apart. */
export function rateBuckets(report: CourseReport): { buckets: RateBucket[]; noRate: number } {
  const warn = report.course.warnBelowPercent;
  const buckets: RateBucket[] = Array.from({ length: 10 }, (_, i) => ({
    label: i === 9 ? "90–100%" : `${i * 10}–${i * 10 + 9}%`,
    from: i * 10,
    to: i === 9 ? 100 : i * 10 + 9,
    students: 0,
    belowThreshold: warn > 0 && (i + 1) * 10 <= warn,
  }));
  let noRate = 0;
  for (const s of report.students) {
    if (s.rate === null) noRate += 1;
    else buckets[Math.min(9, Math.floor((s.rate * 100) / 10))].students += 1;
  }
  return { buckets, noRate };
}

function NumbersToggle({ shown, onToggle, controls }: { shown: boolean; onToggle: () => void; controls: string }) {
  return (
    <button type="button" aria-expanded={shown} aria-controls={controls} onClick={onToggle} className="text-sm font-semibold text-brand-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600">
      {shown ? "Hide the numbers" : "Show the numbers"}
    </button>
  );
}

export function SessionsChart({ report }: { report: CourseReport }) {
  const hydrated = useHydrated();
  const [table, setTable] = useState(false);
  const tableId = useId();
  // The viewer's zone and locale once hydrated; until then the server's rendering (UTC), so hydration matches.
  const fmt = (iso: string) =>
    hydrated ? new Date(iso).toLocaleDateString(undefined, { month: "short", day: "numeric" }) : new Date(iso).toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
  const bars = sessionBars(report, fmt);
  return (
    <figure className="flex flex-col gap-3">
      <figcaption className="flex flex-wrap items-baseline justify-between gap-2">
        <span className="font-semibold text-slate-900">Attendance per session</span>
        <NumbersToggle shown={table} onToggle={() => setTable((t) => !t)} controls={tableId} />
      </figcaption>
      <div aria-hidden="true" className="h-64 w-full">
        {hydrated && bars.length > 0 ? (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart accessibilityLayer={false} data={bars} margin={{ top: 8, right: 8, bottom: 8, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--color-slate-200)" />
              <XAxis dataKey="label" tick={{ fontSize: 12, fill: "var(--color-slate-600)" }} interval="preserveStartEnd" />
              <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: "var(--color-slate-600)" }} />
              <Tooltip contentStyle={TOOLTIP} cursor={{ fill: "var(--color-slate-100)" }} />
              <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={(item) => ATTENDANCE_STATUSES.indexOf(item.dataKey as (typeof ATTENDANCE_STATUSES)[number])} />
              {ATTENDANCE_STATUSES.map((s) => (
                <Bar key={s} dataKey={s} name={STATUS_LABEL[s]} stackId="marks" fill={FILL[s]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        ) : bars.length === 0 ? (
          <p className="pt-8 text-center text-sm text-slate-600">No sessions in this range.</p>
        ) : null}
      </div>
      <div id={tableId} className={table ? "overflow-x-auto" : "sr-only"}>
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Attendance per session, oldest first</caption>
          <thead className="border-b border-slate-200 text-slate-600">
            <tr>
              <th scope="col" className="py-1 pr-3 font-medium">
                Session
              </th>
              {ATTENDANCE_STATUSES.map((s) => (
                <th key={s} scope="col" className="px-2 py-1 text-right font-medium">
                  {STATUS_LABEL[s]}
                </th>
              ))}
              <th scope="col" className="px-2 py-1 text-right font-medium">
                No record
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {bars.map((b, i) => (
              <tr key={b.id}>
                <th scope="row" className="py-1 pr-3 text-left font-normal">
                  {`${fmt(report.sessions[i].startedAt)}${report.sessions[i].title ? ` – ${report.sessions[i].title}` : ""}`}
                </th>
                {ATTENDANCE_STATUSES.map((s) => (
                  <td key={s} className="px-2 py-1 text-right tabular-nums">
                    {b[s]}
                  </td>
                ))}
                <td className="px-2 py-1 text-right tabular-nums">{b.none}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

export function RatesChart({ report }: { report: CourseReport }) {
  const hydrated = useHydrated();
  const [table, setTable] = useState(false);
  const tableId = useId();
  const { buckets, noRate } = rateBuckets(report);
  const warn = report.course.warnBelowPercent;
  return (
    <figure className="flex flex-col gap-3">
      <figcaption className="flex flex-wrap items-baseline justify-between gap-2">
        <span className="font-semibold text-slate-900">Students by attendance rate</span>
        <NumbersToggle shown={table} onToggle={() => setTable((t) => !t)} controls={tableId} />
      </figcaption>
      <div aria-hidden="true" className="h-64 w-full">
        {hydrated ? (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart accessibilityLayer={false} data={buckets} margin={{ top: 8, right: 8, bottom: 8, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--color-slate-200)" />
              <XAxis dataKey="label" tick={{ fontSize: 11, fill: "var(--color-slate-600)" }} interval={0} angle={-35} textAnchor="end" height={48} />
              <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: "var(--color-slate-600)" }} />
              <Tooltip contentStyle={TOOLTIP} cursor={{ fill: "var(--color-slate-100)" }} />
              <Bar dataKey="students" name="Students" isAnimationActive={false} fill="#059669" shape={BucketBar} />
            </BarChart>
          </ResponsiveContainer>
        ) : null}
      </div>
      <p className="text-sm text-slate-600">
        {warn > 0 ? <>Red bars are below the warning threshold of {warn}%. </> : null}
        {noRate > 0 ? `${noRate} student${noRate === 1 ? " has" : "s have"} no rate yet (no session counts).` : null}
      </p>
      <div id={tableId} className={table ? "overflow-x-auto" : "sr-only"}>
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Number of students in each range of attendance rate</caption>
          <thead className="border-b border-slate-200 text-slate-600">
            <tr>
              <th scope="col" className="py-1 pr-3 font-medium">
                Rate
              </th>
              <th scope="col" className="px-2 py-1 text-right font-medium">
                Students
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {buckets.map((b) => (
              <tr key={b.label}>
                <th scope="row" className="py-1 pr-3 text-left font-normal">
                  {b.label}
                  {b.belowThreshold ? " (below the threshold)" : ""}
                </th>
                <td className="px-2 py-1 text-right tabular-nums">{b.students}</td>
              </tr>
            ))}
            {noRate > 0 ? (
              <tr>
                <th scope="row" className="py-1 pr-3 text-left font-normal">
                  No rate yet
                </th>
                <td className="px-2 py-1 text-right tabular-nums">{noRate}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

/** A histogram bar, red when its whole range is below the warning threshold. */
function BucketBar(props: unknown) {
  const { x, y, width, height, payload } = props as { x: number; y: number; width: number; height: number; payload: RateBucket };
  return <rect x={x} y={y} width={width} height={height} rx={3} fill={payload.belowThreshold ? FILL.absent : FILL.present} />;
}
