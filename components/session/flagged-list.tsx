"use client";

import type { FlaggedDto } from "@/lib/model/attendance";
import { shortTime } from "./format";
import { useHydrated } from "./use-now";

const REASON: Record<string, (f: FlaggedDto) => string> = {
  device_already_used: (f) => (f.otherStudentName ? `used the phone ${f.otherStudentName} checked in with` : "used a phone that already checked in someone else"),
};

/** Check-in attempts the server refused as suspicious, newest first. */
export function FlaggedList({ flagged }: { flagged: FlaggedDto[] }) {
  const hydrated = useHydrated();
  return (
    <section aria-labelledby="flagged-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="flagged-heading" className="flex items-center gap-2 text-sm font-semibold text-slate-900">
        Flagged attempts
        {flagged.length > 0 ? <span className="rounded-full bg-orange-100 px-2 text-xs font-bold text-orange-900 tabular-nums">{flagged.length}</span> : null}
      </h2>
      {flagged.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600">None. A phone used to check in two students shows up here.</p>
      ) : (
        <ul className="mt-2 max-h-64 space-y-2 overflow-y-auto text-sm" aria-live="polite">
          {flagged.map((f) => (
            <li key={`${f.studentId}-${f.at}`} className="rounded-lg bg-orange-50 px-3 py-2 text-orange-950">
              <span className="font-semibold">{f.studentName}</span> {(REASON[f.reason] ?? (() => f.reason))(f)}
              <time dateTime={f.at} className="ml-1 text-orange-900/80">
                {hydrated ? `· ${shortTime(f.at)}` : ""}
              </time>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
