"use client";

import type { Counts } from "@/lib/model/attendance";
import { ATTENDANCE_STATUSES } from "@/lib/model/vocabulary";
import { STATUS_LABEL, STATUS_TONE, type RowStatus } from "./format";

export type StatusFilter = RowStatus | "all";

const FILTERS: readonly RowStatus[] = [...ATTENDANCE_STATUSES, "unmarked"];

/**
 * "12 of 30 checked in" with a bar (present and late stacked), and a chip per
 * status that doubles as the roster's filter.
 */
export function CountsPanel({
  counts,
  filter,
  onFilter,
  connected = null,
  ready = true,
}: {
  counts: Counts;
  filter: StatusFilter;
  onFilter: (f: StatusFilter) => void;
  /** Phones with /join open on the session, while it runs (null hides the line). */
  connected?: number | null;
  /** False until the page's script runs: the chips are disabled rather than losing a tap. */
  ready?: boolean;
}) {
  const checkedIn = counts.present + counts.late;
  const pct = (n: number) => (counts.total === 0 ? 0 : (n / counts.total) * 100);
  return (
    <section aria-labelledby="counts-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="counts-heading" className="sr-only">
          Attendance
        </h2>
        <p className="text-slate-900" data-testid="checked-in-count">
          <span className="text-4xl font-bold tabular-nums">{checkedIn}</span>
          <span className="text-xl font-semibold text-slate-500 tabular-nums"> / {counts.total}</span>
          <span className="ml-2 text-base font-medium text-slate-600">checked in</span>
        </p>
        <p className="text-sm font-medium text-slate-600 tabular-nums">{Math.round(pct(checkedIn))}%</p>
      </div>
      {connected === null ? null : (
        <p className="mt-1 flex items-center gap-2 text-sm text-slate-700" data-testid="phones-connected">
          <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${connected > 0 ? "bg-emerald-500" : "bg-slate-300"}`} />
          <span>
            <span className="font-semibold tabular-nums">{connected}</span> {connected === 1 ? "phone" : "phones"} connected
          </span>
        </p>
      )}
      <div
        role="progressbar"
        aria-label="Checked in"
        aria-valuemin={0}
        aria-valuemax={counts.total}
        aria-valuenow={checkedIn}
        aria-valuetext={`${checkedIn} of ${counts.total} checked in`}
        className="mt-3 flex h-3 overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full bg-emerald-500 transition-[width] duration-300" style={{ width: `${pct(counts.present)}%` }} />
        <div className="h-full bg-amber-400 transition-[width] duration-300" style={{ width: `${pct(counts.late)}%` }} />
      </div>
      <div className="mt-4 flex flex-wrap gap-2" role="group" aria-label="Show students">
        <FilterChip ready={ready} active={filter === "all"} onClick={() => onFilter("all")} label="All" count={counts.total} tone="bg-white text-slate-800 ring-slate-300" />
        {FILTERS.map((s) => (
          <FilterChip ready={ready} key={s} active={filter === s} onClick={() => onFilter(filter === s ? "all" : s)} label={STATUS_LABEL[s]} count={counts[s]} tone={STATUS_TONE[s]} />
        ))}
      </div>
    </section>
  );
}

function FilterChip({ active, onClick, label, count, tone, ready }: { active: boolean; onClick: () => void; label: string; count: number; tone: string; ready: boolean }) {
  return (
    <button
      type="button"
      disabled={!ready}
      aria-pressed={active}
      onClick={onClick}
      className={`inline-flex items-center gap-2 rounded-full px-3 py-1 text-sm font-semibold ring-1 ring-inset transition-shadow focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 aria-pressed:ring-2 aria-pressed:ring-slate-900 ${tone}`}
    >
      {label}
      <span className="tabular-nums" data-testid={`count-${label.toLowerCase().replace(/\s+/g, "-")}`}>
        {count}
      </span>
    </button>
  );
}
