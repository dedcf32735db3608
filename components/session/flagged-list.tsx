"use client";

import { useCallback, useEffect, useState } from "react";
import type { AttendanceStatus, FlaggedDto } from "@/lib/model/attendance";
import { shortTime } from "./format";
import { useHydrated } from "./use-now";

const REASON: Record<string, (f: FlaggedDto) => string> = {
  device_already_used: (f) => (f.otherStudentName ? `used the phone ${f.otherStudentName} checked in with` : "used a phone that already checked in someone else"),
};

export const flagKey = (f: FlaggedDto) => `${f.studentId}@${f.at}`;

/**
 * Flags this teacher has dealt with, kept in this browser per session: a flag is a prompt to look, not a record
 * (the refused attempt stays in the audit trail whatever the teacher does here).
 */
export function useDismissedFlags(sessionId: string): [ReadonlySet<string>, (key: string) => void] {
  const storageKey = `rollcall.dismissedFlags.${sessionId}`;
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  useEffect(() => {
    try {
      const saved = JSON.parse(window.localStorage.getItem(storageKey) ?? "[]") as string[];
      // eslint-disable-next-line react-hooks/set-state-in-effect -- a one-time read of the browser's saved choice
      if (saved.length) setDismissed(new Set(saved));
    } catch {
      /* a damaged entry is as good as none */
    }
  }, [storageKey]);
  const dismiss = useCallback(
    (key: string) =>
      setDismissed((d) => {
        const next = new Set(d).add(key);
        window.localStorage.setItem(storageKey, JSON.stringify([...next].slice(-500)));
        return next;
      }),
    [storageKey],
  );
  return [dismissed, dismiss];
}

/**
 * Check-in attempts the server refused as suspicious, newest first, each with what the teacher can do about it:
 * mark the student who was refused (their own phone may simply be flat) or dismiss the flag.
 */
export function FlaggedList({
  flagged,
  onMark,
  onDismiss,
  statusOf,
}: {
  flagged: FlaggedDto[];
  onMark: (studentId: string, studentName: string, status: AttendanceStatus) => void;
  onDismiss: (key: string) => void;
  /** The refused student's current status, so the action is offered only while it still changes something. */
  statusOf: (studentId: string) => string | undefined;
}) {
  const hydrated = useHydrated();
  return (
    <section aria-labelledby="flagged-heading" className="rounded-xl border border-orange-200 bg-white p-4 shadow-sm">
      <h2 id="flagged-heading" className="flex items-center gap-2 text-sm font-semibold text-slate-900">
        Flagged attempts
        {flagged.length > 0 ? <span className="rounded-full bg-orange-100 px-2 text-xs font-bold text-orange-900 tabular-nums">{flagged.length}</span> : null}
      </h2>
      {flagged.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600">None left. A phone used to check in two students shows up here.</p>
      ) : (
        <ul className="mt-2 max-h-80 space-y-2 overflow-y-auto text-sm" aria-live="polite">
          {flagged.map((f) => {
            const present = statusOf(f.studentId) === "present" || statusOf(f.studentId) === "late";
            return (
              <li key={flagKey(f)} className="flex flex-wrap items-center justify-between gap-2 rounded-lg bg-orange-50 px-3 py-2 text-orange-950">
                <p className="min-w-0">
                  <span className="font-semibold">{f.studentName}</span> {(REASON[f.reason] ?? (() => f.reason))(f)}
                  <time dateTime={f.at} className="ml-1 text-orange-900">
                    {hydrated ? `· ${shortTime(f.at)}` : ""}
                  </time>
                </p>
                <div className="flex shrink-0 gap-2">
                  {present ? (
                    <span className="px-1 py-1 text-xs font-semibold text-emerald-800">{f.studentName} is marked present</span>
                  ) : (
                    <button
                      type="button"
                      disabled={!hydrated}
                      onClick={() => onMark(f.studentId, f.studentName, "present")}
                      className="rounded-md border border-orange-300 bg-white px-2 py-1 text-xs font-semibold text-orange-950 hover:bg-orange-100"
                    >
                      Mark {f.studentName} present
                    </button>
                  )}
                  <button
                    type="button"
                    disabled={!hydrated}
                    onClick={() => onDismiss(flagKey(f))}
                    className="rounded-md px-2 py-1 text-xs font-semibold text-orange-950 underline underline-offset-2 hover:bg-orange-100"
                  >
                    Dismiss
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
