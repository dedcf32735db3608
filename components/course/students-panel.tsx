"use client";

import { useRouter } from "next/navigation";
import { useDeferredValue, useId, useMemo, useState, useTransition } from "react";
import { EnrollmentStatusChip } from "@/components/enrollment-status";
import { LocalTime } from "@/components/local-time";
import { ConfirmDialog } from "@/components/session/confirm-dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/api/client";
import type { EnrollmentStatus } from "@/lib/model/vocabulary";
import { RosterImport, type ImportSummary } from "./roster-import";

export type StudentRow = { id: string; name: string; email: string; status: EnrollmentStatus; studentNumber: string | null };
export type InvitationRow = { id: string; email: string; name: string | null; studentNumber: string | null; createdAt: string };

const PAGE = 100;

/** Which buttons each status offers; approving pending requests is in the list above the roster. */
const ACTIONS: Record<EnrollmentStatus, Array<{ to: EnrollmentStatus; label: string }>> = {
  pending: [],
  approved: [{ to: "dropped", label: "Drop" }],
  rejected: [{ to: "approved", label: "Approve" }],
  dropped: [{ to: "approved", label: "Re-admit" }],
};

const DONE: Record<string, string> = { Approve: "approved", Reject: "rejected", Drop: "dropped", "Re-admit": "re-admitted" };

const fold = (s: string) => s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

/**
 * The Students tab: requests waiting for approval first, the class list
 * with search and student numbers, importing a class list with a preview,
 * and the invitations still waiting for an account.
 */
export function StudentsPanel({
  courseId,
  courseName,
  students,
  invitations,
  archived,
}: {
  courseId: string;
  courseName: string;
  students: StudentRow[];
  invitations: InvitationRow[];
  archived: boolean;
}) {
  const router = useRouter();
  const [refreshing, startTransition] = useTransition();
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [importing, setImporting] = useState(false);
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query);
  const [shown, setShown] = useState(PAGE);
  const [dropping, setDropping] = useState<StudentRow | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const searchId = useId();

  const base = `/api/courses/${encodeURIComponent(courseId)}`;
  const refresh = () =>
    startTransition(() => {
      router.refresh();
      setBusy(null);
    });

  async function setStatus(s: StudentRow, to: EnrollmentStatus, label: string) {
    setBusy(s.id);
    setMessage(null);
    const res = await api(`${base}/enrollments/${encodeURIComponent(s.id)}`, { method: "PATCH", body: { status: to } });
    setMessage(res.ok ? { tone: "success", text: `${s.name} ${DONE[label] ?? "updated"}.` } : { tone: "error", text: `${s.name}: ${res.error.message}` });
    refresh();
  }

  async function saveNumber(s: StudentRow, value: string) {
    setBusy(s.id);
    setMessage(null);
    const res = await api(`${base}/enrollments/${encodeURIComponent(s.id)}`, { method: "PATCH", body: { studentNumber: value } });
    if (!res.ok) setMessage({ tone: "error", text: `${s.name}: ${res.error.message}` });
    else setEditing(null);
    refresh();
  }

  async function withdraw(inv: InvitationRow) {
    setBusy(inv.id);
    setMessage(null);
    const res = await api(`${base}/invitations/${encodeURIComponent(inv.id)}`, { method: "DELETE" });
    setMessage(res.ok ? { tone: "success", text: `Invitation for ${inv.email} withdrawn.` } : { tone: "error", text: res.error.message });
    refresh();
  }

  function imported(summary: ImportSummary) {
    setImporting(false);
    const parts = [
      `${summary.added} enrolled`,
      `${summary.invited} invited`,
      summary.alreadyEnrolled ? `${summary.alreadyEnrolled} already enrolled` : null,
      summary.invalid.length ? `${summary.invalid.length} lines skipped` : null,
    ].filter(Boolean);
    setMessage({ tone: "success", text: `Class list imported: ${parts.join(", ")}.` });
    refresh();
  }

  const pending = students.filter((s) => s.status === "pending");
  const enrolled = students.filter((s) => s.status === "approved").length;
  const matches = useMemo(() => {
    const q = fold(deferred.trim());
    const rest = students.filter((s) => s.status !== "pending");
    if (!q) return rest;
    return rest.filter((s) => fold(`${s.name} ${s.email} ${s.studentNumber ?? ""}`).includes(q));
  }, [students, deferred]);
  const visible = matches.slice(0, shown);
  const invitationMatches = useMemo(() => {
    const q = fold(deferred.trim());
    if (!q) return invitations;
    return invitations.filter((i) => fold(`${i.name ?? ""} ${i.email} ${i.studentNumber ?? ""}`).includes(q));
  }, [invitations, deferred]);
  const [invitationsShown, setInvitationsShown] = useState(PAGE);
  const disabled = (id: string) => busy === id || refreshing;

  return (
    <div className="flex flex-col gap-6">
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}

      <section aria-labelledby="import-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <h2 id="import-heading" className="text-lg font-semibold">
              Import a class list
            </h2>
            <p className="text-sm text-slate-600">
              Students with an account are enrolled at once; the others when they register with that e-mail.
            </p>
          </div>
          {!importing ? (
            <Button variant="secondary" onClick={() => setImporting(true)} disabled={archived}>
              Import students
            </Button>
          ) : null}
        </div>
        {archived ? <p className="mt-3 text-sm text-slate-700">This course is archived: restore it in Settings to add students.</p> : null}
        {importing ? (
          <div className="mt-4">
            <RosterImport courseId={courseId} onImported={imported} onCancel={() => setImporting(false)} />
          </div>
        ) : null}
      </section>

      {pending.length > 0 ? (
        <section aria-labelledby="pending-heading" className="rounded-xl border border-amber-200 bg-amber-50 px-5 pb-2 pt-4">
          <h2 id="pending-heading" className="font-semibold text-amber-950">
            Waiting for approval ({pending.length})
          </h2>
          <ul className="divide-y divide-amber-200">
            {pending.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3">
                <div className="min-w-0 flex-1">
                  <p className="truncate font-medium">{s.name}</p>
                  <p className="truncate text-sm text-amber-950">{s.email}</p>
                </div>
                <div className="flex gap-2">
                  <Button size="sm" disabled={disabled(s.id) || archived} aria-label={`Approve ${s.name}`} onClick={() => void setStatus(s, "approved", "Approve")}>
                    Approve
                  </Button>
                  <Button size="sm" variant="secondary" disabled={disabled(s.id)} aria-label={`Reject ${s.name}`} onClick={() => void setStatus(s, "rejected", "Reject")}>
                    Reject
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="students-heading" className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-5 py-3">
          <h2 id="students-heading" className="font-semibold">
            Students
            <span className="ml-2 text-sm font-normal text-slate-600">
              {enrolled} enrolled{deferred.trim() ? ` · ${matches.length} match${matches.length === 1 ? "" : "es"}` : ""}
            </span>
          </h2>
          <div className="w-full sm:w-72">
            <label htmlFor={searchId} className="sr-only">
              Search students
            </label>
            <input
              id={searchId}
              type="search"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setShown(PAGE);
                setInvitationsShown(PAGE);
              }}
              placeholder="Search name, e-mail or number"
              className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-brand-600 focus:ring-2 focus:ring-brand-600/30"
            />
          </div>
        </div>
        {students.length === 0 ? (
          <p className="px-5 py-4 text-slate-700">No students yet. Import a class list, or share the enroll code on the Overview tab.</p>
        ) : matches.length === 0 ? (
          <p className="px-5 py-4 text-slate-700">{deferred.trim() ? `No student matches “${deferred.trim()}”.` : "Everyone is waiting for approval above."}</p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Students of the course">
            {visible.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-5 py-3">
                <div className="min-w-0 flex-1 basis-56">
                  <p className="truncate font-medium">{s.name}</p>
                  <p className="truncate text-sm text-slate-600">{s.email}</p>
                </div>
                <div className="basis-40 text-sm">
                  {editing === s.id ? (
                    <NumberEditor student={s} busy={disabled(s.id)} onSave={(v) => void saveNumber(s, v)} onCancel={() => setEditing(null)} />
                  ) : (
                    <button
                      type="button"
                      onClick={() => setEditing(s.id)}
                      aria-label={s.studentNumber ? `${s.studentNumber}: edit the student number of ${s.name}` : `Add number for ${s.name}`}
                      className="rounded px-1 py-0.5 text-left font-mono text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600"
                    >
                      {s.studentNumber ?? <span className="font-sans text-slate-600">Add number</span>}
                    </button>
                  )}
                </div>
                <EnrollmentStatusChip status={s.status} />
                <div className="flex gap-2">
                  {ACTIONS[s.status].map((a) => (
                    <Button
                      key={a.to}
                      size="sm"
                      variant="secondary"
                      disabled={disabled(s.id) || (a.to === "approved" && archived)}
                      aria-label={`${a.label} ${s.name}`}
                      onClick={() => (a.to === "dropped" ? setDropping(s) : void setStatus(s, a.to, a.label))}
                    >
                      {a.label}
                    </Button>
                  ))}
                </div>
              </li>
            ))}
          </ul>
        )}
        {matches.length > shown ? (
          <div className="border-t border-slate-200 px-5 py-3">
            <Button variant="ghost" size="sm" onClick={() => setShown((n) => n + PAGE * 5)}>
              Show more ({(matches.length - shown).toLocaleString()} not shown)
            </Button>
          </div>
        ) : null}
      </section>

      <section aria-labelledby="invitations-heading" className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <div className="border-b border-slate-200 px-5 py-3">
          <h2 id="invitations-heading" className="font-semibold">
            Invited, no account yet{" "}
            <span className="ml-1 text-sm font-normal text-slate-600">
              ({invitations.length}
              {deferred.trim() ? ` · ${invitationMatches.length} match${invitationMatches.length === 1 ? "" : "es"}` : ""})
            </span>
          </h2>
          <p className="text-sm text-slate-600">They are enrolled, approved, when they register with this e-mail.</p>
        </div>
        {invitations.length === 0 ? (
          <p className="px-5 py-4 text-slate-700">Nobody is waiting.</p>
        ) : invitationMatches.length === 0 ? (
          <p className="px-5 py-4 text-slate-700">No invitation matches “{deferred.trim()}”.</p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Invitations">
            {invitationMatches.slice(0, invitationsShown).map((inv) => (
              <li key={inv.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-5 py-3">
                <div className="min-w-0 flex-1 basis-56">
                  <p className="truncate font-medium">{inv.name ?? inv.email}</p>
                  {inv.name ? <p className="truncate text-sm text-slate-600">{inv.email}</p> : null}
                </div>
                <p className="basis-40 font-mono text-sm text-slate-800">{inv.studentNumber ?? ""}</p>
                <p className="text-sm text-slate-600">
                  Invited <LocalTime iso={inv.createdAt} format="date" />
                </p>
                <Button size="sm" variant="ghost" disabled={disabled(inv.id)} aria-label={`Withdraw the invitation for ${inv.email}`} onClick={() => void withdraw(inv)}>
                  Withdraw
                </Button>
              </li>
            ))}
          </ul>
        )}
        {invitationMatches.length > invitationsShown ? (
          <div className="border-t border-slate-200 px-5 py-3">
            <Button variant="ghost" size="sm" onClick={() => setInvitationsShown((n) => n + PAGE * 5)}>
              Show more ({(invitationMatches.length - invitationsShown).toLocaleString()} not shown)
            </Button>
          </div>
        ) : null}
      </section>

      <ConfirmDialog
        open={dropping !== null}
        title={dropping ? `Drop ${dropping.name}?` : "Drop"}
        confirmLabel="Drop student"
        busyLabel="Dropping…"
        busy={dropping !== null && busy === dropping.id}
        onClose={() => setDropping(null)}
        onConfirm={async () => {
          if (!dropping) return;
          await setStatus(dropping, "dropped", "Drop");
          setDropping(null);
        }}
      >
        {dropping ? (
          <p>
            {dropping.name} leaves {courseName} at once: no more check-ins, and an open check-in page stops updating. Their attendance records are kept, and you can
            re-admit them later.
          </p>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}

function NumberEditor({ student, busy, onSave, onCancel }: { student: StudentRow; busy: boolean; onSave: (v: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState(student.studentNumber ?? "");
  return (
    <form
      className="flex items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(value);
      }}
    >
      <input
        autoFocus
        value={value}
        maxLength={40}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") onCancel();
        }}
        aria-label={`Student number of ${student.name}`}
        className="w-28 rounded-md border border-slate-300 px-2 py-1 font-mono text-sm outline-none focus:border-brand-600 focus:ring-2 focus:ring-brand-600/30"
      />
      <Button size="sm" type="submit" disabled={busy}>
        Save
      </Button>
    </form>
  );
}
