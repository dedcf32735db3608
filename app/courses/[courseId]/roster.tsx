"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EnrollmentStatusChip } from "@/components/enrollment-status";
import { api } from "@/lib/api/client";
import type { EnrollmentStatus as Status } from "@/lib/model/vocabulary";

export type RosterStudent = { id: string; name: string; email: string; status: Status };

/** Which buttons make sense for each status. */
const ACTIONS: Record<Status, Array<{ to: Status; label: string; variant: "primary" | "secondary" | "danger" }>> = {
  pending: [
    { to: "approved", label: "Approve", variant: "primary" },
    { to: "rejected", label: "Reject", variant: "secondary" },
  ],
  approved: [{ to: "dropped", label: "Drop", variant: "secondary" }],
  rejected: [{ to: "approved", label: "Approve", variant: "secondary" }],
  dropped: [{ to: "approved", label: "Re-admit", variant: "secondary" }],
};

export function Roster({ courseId, students }: { courseId: string; students: RosterStudent[] }) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshing, startTransition] = useTransition();

  async function setStatus(student: RosterStudent, to: Status) {
    setBusy(student.id);
    setError(null);
    const res = await api(`/api/courses/${encodeURIComponent(courseId)}/enrollments/${encodeURIComponent(student.id)}`, { method: "PATCH", body: { status: to } });
    if (!res.ok) setError(`${student.name}: ${res.error.message}`);
    // Keep the row busy until the refreshed roster arrives.
    startTransition(() => {
      router.refresh();
      setBusy(null);
    });
  }

  const pending = students.filter((s) => s.status === "pending");
  const others = students.filter((s) => s.status !== "pending");
  const row = (s: RosterStudent) => (
    <li key={s.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3">
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium">{s.name}</p>
        <p className="truncate text-sm text-slate-600">{s.email}</p>
      </div>
      <EnrollmentStatusChip status={s.status} />
      <div className="flex gap-2">
        {ACTIONS[s.status].map((a) => (
          <Button
            key={a.to}
            size="sm"
            variant={a.variant}
            disabled={busy === s.id || refreshing}
            aria-label={`${a.label} ${s.name}`}
            onClick={() => setStatus(s, a.to)}
          >
            {a.label}
          </Button>
        ))}
      </div>
    </li>
  );

  return (
    <div className="flex flex-col gap-4">
      {error ? <Alert tone="error">{error}</Alert> : null}
      {pending.length > 0 ? (
        <div className="rounded-lg border border-amber-200 bg-amber-50 px-4">
          <h3 className="pt-3 text-sm font-semibold text-amber-900">Waiting for approval ({pending.length})</h3>
          <ul className="divide-y divide-amber-200">{pending.map(row)}</ul>
        </div>
      ) : null}
      {others.length > 0 ? (
        <ul className="divide-y divide-slate-200">{others.map(row)}</ul>
      ) : pending.length === 0 ? (
        <p className="text-slate-700">No students yet. Share the enroll code or the QR code.</p>
      ) : null}
    </div>
  );
}
