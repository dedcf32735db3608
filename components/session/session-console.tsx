"use client";

import Link from "next/link";
import { useCallback, useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClass } from "@/components/ui/button";
import { api } from "@/lib/api/client";
import type { AttendanceStatus, CodeDto, Counts, RecordDto, SessionDto } from "@/lib/model/attendance";
import type { StaffSessionView } from "@/lib/model/attendance";
import { CodePanel } from "./code-panel";
import { ConfirmDialog } from "./confirm-dialog";
import { FlaggedList, flagKey, useDismissedFlags } from "./flagged-list";
import { shortTime, STATUS_LABEL } from "./format";
import { type MarkHandler } from "./roster-list";
import { RosterPanel } from "./roster-panel";
import { ConnectionBadge, ReconnectBanner } from "./connection";
import { useHydrated } from "./use-now";
import { useLiveSession } from "./use-live-session";
import { courseLabel } from "@/lib/model/course";
import type { AuditEventDto } from "@/lib/model/records";
import { AuditTrail } from "@/components/records/audit-trail";
import { SessionTitle } from "@/components/session-title";
import type { PhoneReach } from "@/lib/model/site";
import { LoopbackBanner } from "./phone-reach";
import { MarkRemaining } from "./mark-remaining";

/** The teacher's live console: code, counts, flagged attempts and the roster with one-tap marking. */
export function SessionConsole({
  initial,
  reach,
  audit = null,
  details = {},
}: {
  initial: StaffSessionView;
  reach: PhoneReach;
  audit?: AuditEventDto[] | null;
  /** E-mails of students who share their name with another, keyed by student id. */
  details?: Readonly<Record<string, string>>;
}) {
  const live = useLiveSession(initial);
  const { session, roster, applyRecord, applyCode, applyEnded } = live;
  const sessionId = session.id;
  const base = `/api/sessions/${encodeURIComponent(sessionId)}`;
  const active = session.status === "active";
  const hydrated = useHydrated();

  const [pendingMarks, setPendingMarks] = useState<ReadonlyMap<string, AttendanceStatus>>(() => new Map());
  const [error, setError] = useState<string | null>(null);
  const [regenerating, setRegenerating] = useState(false);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [ending, setEnding] = useState(false);

  const onMark = useCallback<MarkHandler>(
    async (studentId, studentName, status) => {
      setPendingMarks((m) => new Map(m).set(studentId, status));
      const res = await api<{ record: RecordDto; counts: Counts }>(`${base}/attendance/${encodeURIComponent(studentId)}`, { method: "PATCH", body: { status } });
      if (res.ok) applyRecord(res.data.record, res.data.counts);
      else setError(`Could not mark ${studentName} ${STATUS_LABEL[status].toLowerCase()}: ${res.error.message}`);
      // A later tap on the same row keeps its own pending mark.
      setPendingMarks((m) => {
        if (m.get(studentId) !== status) return m;
        const next = new Map(m);
        next.delete(studentId);
        return next;
      });
    },
    [base, applyRecord],
  );

  const regenerate = async () => {
    setRegenerating(true);
    const res = await api<CodeDto>(`${base}/code`, { method: "POST" });
    setRegenerating(false);
    if (res.ok) applyCode(res.data);
    else setError(`Could not make a new code: ${res.error.message}`);
  };

  const endSession = async () => {
    setEnding(true);
    const res = await api<{ session: SessionDto; counts: Counts }>(`${base}/end`, { method: "POST" });
    setEnding(false);
    setConfirmEnd(false);
    if (res.ok) applyEnded(res.data.session, res.data.counts);
    else if (res.error.code !== "session_ended") setError(`Could not end the session: ${res.error.message}`);
  };

  const counts = roster.counts;
  const [dismissedFlags, dismissFlag] = useDismissedFlags(sessionId);
  const openFlags = useMemo(() => live.flagged.filter((f) => !dismissedFlags.has(flagKey(f))), [live.flagged, dismissedFlags]);
  const [flagsOpen, setFlagsOpen] = useState(false);
  const absentees = useMemo(() => (active ? [] : roster.order.map((id) => roster.rows.get(id)!).filter((r) => r.status === "absent").map((r) => r.studentName)), [active, roster]);
  const label = courseLabel({ code: session.courseCode, name: session.courseName }, " · ");

  return (
    <div className="min-h-dvh">
      {active ? <LoopbackBanner reach={reach} /> : null}
      <ReconnectBanner status={live.status} />
      <main id="main" className="mx-auto max-w-[1600px] px-4 py-6 sm:px-6">
        <header className="flex flex-wrap items-end justify-between gap-4">
          <div className="min-w-0">
            <Link href={`/courses/${encodeURIComponent(session.courseId)}`} className="text-sm font-medium text-brand-700 hover:underline">
              ← {label}
            </Link>
            <h1 className="mt-1 flex flex-wrap items-center gap-3 text-2xl font-bold tracking-tight text-slate-950">
              <span className="truncate">
                <SessionTitle title={session.title} startedAt={session.startedAt} />
              </span>
              {active ? (
                <ConnectionBadge status={live.status} />
              ) : (
                <span className="rounded-full bg-slate-200 px-2.5 py-0.5 text-sm font-semibold text-slate-800">Ended</span>
              )}
            </h1>
            <p className="mt-1 text-sm text-slate-600">
              {hydrated ? `Started ${shortTime(session.startedAt)}` : "Started"}
              {session.endedAt && hydrated ? ` · ended ${shortTime(session.endedAt)}` : ""} · late after {session.lateAfterMinutes} min
              {session.closeAfterMinutes !== null ? ` · check-in closes after ${session.closeAfterMinutes} min` : ""}
            </p>
          </div>
          <div className="flex flex-wrap gap-2">
            {openFlags.length > 0 || flagsOpen ? (
              <button
                type="button"
                aria-expanded={flagsOpen}
                aria-controls="flagged-panel"
                onClick={() => setFlagsOpen((o) => !o)}
                disabled={!hydrated}
                className="inline-flex items-center justify-center gap-2 rounded-lg border border-orange-300 bg-orange-50 px-4 py-2.5 text-sm font-semibold text-orange-950 transition-colors hover:bg-orange-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
                data-testid="flags-badge"
              >
                Flagged
                <span className="rounded-full bg-orange-700 px-2 text-xs font-bold text-white tabular-nums">{openFlags.length}</span>
              </button>
            ) : null}
            <MarkRemaining base={base} unmarked={counts.unmarked} hydrated={hydrated} />
            <a href={`/sessions/${encodeURIComponent(sessionId)}/present`} target="_blank" rel="noopener" className={buttonClass("secondary")}>
              Open projector
              <span className="sr-only"> (opens in a new window)</span>
            </a>
            {active ? (
              <>
                <Button variant="secondary" onClick={regenerate} disabled={regenerating || !hydrated} title="Makes the current QR and code invalid at once, e.g. if a photo of it is going around">
                  {regenerating ? "Making new code…" : "New code"}
                </Button>
                <Button variant="danger" onClick={() => setConfirmEnd(true)} disabled={!hydrated}>
                  End session
                </Button>
              </>
            ) : null}
          </div>
        </header>

        {flagsOpen ? (
          <div id="flagged-panel" className="mt-4">
            <FlaggedList flagged={openFlags} onMark={onMark} onDismiss={dismissFlag} statusOf={(id) => roster.rows.get(id)?.status} />
          </div>
        ) : null}
        {live.watchError ? (
          <Alert tone="error" className="mt-4">
            {live.watchError.message}
          </Alert>
        ) : null}
        {error ? (
          <div className="mt-4 flex items-start justify-between gap-3 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900" role="alert">
            <span>{error}</span>
            <button type="button" onClick={() => setError(null)} className="font-semibold underline">
              Dismiss
            </button>
          </div>
        ) : null}

        <div className="mt-6 grid items-start gap-6 lg:grid-cols-[22rem_minmax(0,1fr)] 2xl:grid-cols-[26rem_minmax(0,1fr)]">
          <aside className="flex flex-col gap-6 lg:sticky lg:top-6">
            {active ? (
              <CodePanel code={live.code} session={session} reach={reach} />
            ) : (
              <section aria-labelledby="ended-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
                <h2 id="ended-heading" className="text-lg font-semibold text-slate-950">
                  Session ended
                </h2>
                <p className="mt-1 text-sm text-slate-700">
                  Check-in closed{session.endedAt && hydrated ? ` at ${shortTime(session.endedAt)}` : ""}. Students who had not checked in were marked absent. You can still change any mark below; every change is in the audit trail.
                </p>
                <div className="mt-4 flex flex-col gap-2">
                  <a href={`${base}/export.csv`} download className={buttonClass("secondary", "md", "w-full")} data-testid="export-session">
                    Export this session (CSV)
                  </a>
                  <CopyAbsentees names={absentees} />
                </div>
              </section>
            )}
          </aside>

          <div className="flex min-w-0 flex-col gap-6">
            <RosterPanel
              roster={roster}
              connected={session.status === "active" ? live.connected : null}
              pendingMarks={pendingMarks}
              onMark={onMark}
              details={details}
              hydrated={hydrated}
              ended={!active}
            />
            {active ? null : <AuditTrail sessionId={sessionId} initial={audit} />}
          </div>
        </div>
      </main>

      <ConfirmDialog open={confirmEnd} title="End this session?" confirmLabel="End session" cancelLabel="Keep it open" busyLabel="Ending…" busy={ending} onConfirm={endSession} onClose={() => setConfirmEnd(false)}>
        <p>
          Students can no longer check in.{" "}
          {counts.unmarked > 0 ? `The ${counts.unmarked} student${counts.unmarked === 1 ? "" : "s"} not checked in yet will be marked absent. ` : ""}
          You can still change any mark afterwards.
        </p>
      </ConfirmDialog>
    </div>
  );
}

/** The absent students' names, one a line, for an e-mail or the department's form. */
function CopyAbsentees({ names }: { names: string[] }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  if (names.length === 0) return null;
  return (
    <>
      <Button
        variant="secondary"
        className="w-full"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(names.join("\n"));
            setState("copied");
          } catch {
            setState("failed");
          }
          setTimeout(() => setState("idle"), 2500);
        }}
      >
        {state === "copied" ? `Copied ${names.length} names` : `Copy absentees (${names.length})`}
      </Button>
      <span role="status" className="text-sm text-slate-700">
        {state === "failed" ? "Copying is not available here (plain HTTP): export the session instead." : ""}
      </span>
    </>
  );
}
