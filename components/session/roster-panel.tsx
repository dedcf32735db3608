"use client";

import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { AttendanceStatus } from "@/lib/model/attendance";
import { CountsPanel, type StatusFilter } from "./counts-panel";
import { clockTime } from "./format";
import { filterSorted, latestArrivals, SORT_LABEL, sortRoster, type RosterSort } from "./roster-order";
import { RosterRowView, type MarkHandler } from "./roster-list";
import type { RosterSnapshot } from "./roster-store";

/** Up to this many rows are all in the page (cheap, and the browser's find works); above it, only the rows on screen. */
export const RENDER_ALL_UP_TO = 150;
const ROW_ESTIMATE_PX = 57;
const SORT_KEY = "rollcall.rosterSort";
const SORTS = Object.keys(SORT_LABEL) as RosterSort[];

function useRememberedSort(): [RosterSort, (s: RosterSort) => void] {
  const [sort, setSort] = useState<RosterSort>("last");
  useEffect(() => {
    // After hydration: the server cannot know this browser's choice.
    const saved = window.localStorage.getItem(SORT_KEY) as RosterSort | null;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- a one-time read of the browser's saved choice
    if (saved && SORTS.includes(saved)) setSort(saved);
  }, []);
  return [
    sort,
    (s) => {
      setSort(s);
      window.localStorage.setItem(SORT_KEY, s);
    },
  ];
}

/**
 * Counts, filter chips, search, sort and the roster. The header stays in view on a laptop while the list scrolls,
 * and a long roster renders only the rows on screen, so going back to "All" with 1,000 students costs the same as
 * with 30. Sorting and search use the viewer's language (roster-order.ts); before hydration the server's order shows.
 */
export function RosterPanel({
  roster,
  connected,
  pendingMarks,
  onMark,
  details,
  hydrated,
  ended,
}: {
  roster: RosterSnapshot;
  connected: number | null;
  pendingMarks: ReadonlyMap<string, AttendanceStatus>;
  onMark: MarkHandler;
  /** A second line (e-mail) for students who share their name with another. */
  details: Readonly<Record<string, string>>;
  hydrated: boolean;
  ended: boolean;
}) {
  const [filter, setFilter] = useState<StatusFilter>("all");
  const [query, setQuery] = useState("");
  const deferredQuery = useDeferredValue(query);
  const [sort, setSort] = useRememberedSort();
  const collator = useMemo(() => new Intl.Collator(undefined, { sensitivity: "base", numeric: true }), []);

  const { order, rows } = roster;
  // Name orders change only when students come or go (`order`), not on every check-in; "newest" follows every record.
  const byName = useMemo(() => (hydrated ? sortRoster({ order, rows }, sort === "recent" ? "last" : sort, collator) : order),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- names do not change with a record: `rows` is read, not watched
    [order, sort, collator, hydrated]);
  const sorted = useMemo(() => (hydrated && sort === "recent" ? sortRoster({ order: byName, rows }, "recent", collator) : byName), [byName, rows, sort, collator, hydrated]);
  const visible = useMemo(() => filterSorted(sorted, rows, deferredQuery, filter, details), [sorted, rows, deferredQuery, filter, details]);
  const arrivals = useMemo(() => latestArrivals(rows, 5), [rows]);

  return (
    <div>
      {/* On a laptop the counts, chips, search and column names stay put while the roster scrolls under them. */}
      <div className="z-20 flex flex-col gap-4 bg-slate-50 lg:sticky lg:top-0 lg:-mt-3 lg:pt-3" data-testid="roster-header">
        <CountsPanel counts={roster.counts} filter={filter} onFilter={setFilter} connected={connected} ready={hydrated} />
        <div className="rounded-t-xl border border-b-0 border-slate-200 bg-white">
          <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-4 py-3">
            <h2 id="roster-heading" className="font-semibold text-slate-950">
              Roster
              <span className="ml-2 text-sm font-normal text-slate-600">
                {visible.length === order.length ? `${order.length} students` : `${visible.length} of ${order.length} shown`}
              </span>
            </h2>
            <div className="flex w-full flex-wrap gap-2 sm:w-auto">
              <label className="flex items-center gap-2 text-sm text-slate-700">
                <span>Sort</span>
                <select
                  value={sort}
                  onChange={(e) => setSort(e.target.value as RosterSort)}
                  disabled={!hydrated}
                  className="rounded-lg border border-slate-300 bg-white px-2 py-2 text-sm shadow-sm focus:border-brand-600 focus:ring-2 focus:ring-brand-600/30"
                >
                  {SORTS.map((s) => (
                    <option key={s} value={s}>
                      {SORT_LABEL[s]}
                    </option>
                  ))}
                </select>
              </label>
              <label className="relative min-w-0 flex-1 sm:w-64 sm:flex-none">
                <span className="sr-only">Search students</span>
                <input
                  type="search"
                  value={query}
                  onChange={(e) => setQuery(e.target.value)}
                  placeholder="Search by name or e-mail"
                  className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-brand-600 focus:ring-2 focus:ring-brand-600/30"
                />
              </label>
            </div>
          </div>
          {arrivals.length ? (
            <p className="flex gap-2 overflow-hidden border-b border-slate-200 px-4 py-2 text-sm text-slate-700" data-testid="just-arrived">
              <span className="shrink-0 font-semibold text-slate-900">Just arrived</span>
              <span className="truncate">
                {arrivals.map((r, i) => (
                  <span key={r.studentId}>
                    {i ? <span aria-hidden="true"> · </span> : null}
                    {r.studentName}
                    {hydrated && r.checkedInAt ? <span className="text-slate-600"> {clockTime(r.checkedInAt)}</span> : null}
                  </span>
                ))}
              </span>
            </p>
          ) : null}
          <div aria-hidden="true" className="hidden grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_17.75rem] gap-x-4 bg-slate-50 px-4 py-2 text-xs font-semibold uppercase tracking-wide text-slate-600 md:grid">
            <span>Student</span>
            <span>Checked in</span>
            <span>Status</span>
          </div>
        </div>
      </div>
      <section aria-labelledby="roster-heading" className="rounded-b-xl border border-slate-200 bg-white shadow-sm">
        {visible.length === 0 ? (
          <p className="px-4 py-8 text-center text-sm text-slate-600">{order.length === 0 ? "No approved students in this course yet." : "No students match."}</p>
        ) : visible.length <= RENDER_ALL_UP_TO ? (
          <ul aria-label="Students">
            {visible.map((id) => (
              <RosterRowView key={id} row={rows.get(id)!} detail={details[id] ?? null} pending={pendingMarks.get(id) ?? null} onMark={onMark} ended={ended} />
            ))}
          </ul>
        ) : (
          <VirtualRoster ids={visible} rows={rows} details={details} pendingMarks={pendingMarks} onMark={onMark} ended={ended} />
        )}
      </section>
    </div>
  );
}

function VirtualRoster({
  ids,
  rows,
  details,
  pendingMarks,
  onMark,
  ended,
}: {
  ids: readonly string[];
  rows: RosterSnapshot["rows"];
  details: Readonly<Record<string, string>>;
  pendingMarks: ReadonlyMap<string, AttendanceStatus>;
  onMark: MarkHandler;
  ended: boolean;
}) {
  const listRef = useRef<HTMLUListElement>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  useLayoutEffect(() => {
    // Where the list starts in the page: the window scrolls, not the list.
    const measure = () => setScrollMargin((listRef.current?.getBoundingClientRect().top ?? 0) + window.scrollY);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);
  const virtualizer = useWindowVirtualizer({
    count: ids.length,
    estimateSize: () => ROW_ESTIMATE_PX,
    overscan: 8,
    scrollMargin,
    getItemKey: (i) => ids[i],
  });
  return (
    <ul aria-label="Students" ref={listRef} className="relative" style={{ height: virtualizer.getTotalSize() }}>
      {virtualizer.getVirtualItems().map((item) => {
        const id = ids[item.index];
        return (
          <RosterRowView
            key={id}
            row={rows.get(id)!}
            detail={details[id] ?? null}
            pending={pendingMarks.get(id) ?? null}
            onMark={onMark}
            ended={ended}
            virtual={{ index: item.index, total: ids.length, top: item.start - scrollMargin, measure: virtualizer.measureElement }}
          />
        );
      })}
    </ul>
  );
}
