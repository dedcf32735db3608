"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition, type FormEvent } from "react";
import { ConfirmDialog } from "@/components/session/confirm-dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { api } from "@/lib/api/client";
import { STAFF_ROLE_LABEL, type StaffRole, type StaffStatus } from "@/lib/model/vocabulary";

export type StaffRow = { id: string; userId: string | null; name: string | null; email: string; role: StaffRole; status: StaffStatus };

const ROLE_HINT: Record<StaffRole, string> = {
  owner: "Everything, including settings, staff, the enroll code and archiving.",
  ta: "Runs sessions, marks, sees history, exports and manages students.",
};

/**
 * The Staff tab: owners and TAs, and invitations waiting for an account.
 * Owners add, change and remove; TAs see the list. A course always keeps one
 * owner, and the page says so where that stops a button.
 */
export function StaffPanel({ courseId, staff, me, canManage, registerUrl }: { courseId: string; staff: StaffRow[]; me: string; canManage: boolean; registerUrl: string }) {
  const router = useRouter();
  const [refreshing, startTransition] = useTransition();
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: "success" | "error" | "info"; text: string } | null>(null);
  const [removing, setRemoving] = useState<StaffRow | null>(null);
  const base = `/api/courses/${encodeURIComponent(courseId)}/staff`;
  const activeOwners = staff.filter((m) => m.role === "owner" && m.status === "active");
  const label = (m: StaffRow) => m.name ?? m.email;
  const refresh = () =>
    startTransition(() => {
      router.refresh();
      setBusy(null);
    });

  async function changeRole(m: StaffRow, role: StaffRole) {
    setBusy(m.id);
    setMessage(null);
    const res = await api(`${base}/${encodeURIComponent(m.id)}`, { method: "PATCH", body: { role } });
    setMessage(res.ok ? { tone: "success", text: `${label(m)} is now a ${STAFF_ROLE_LABEL[role].toLowerCase()}.` } : { tone: "error", text: res.error.message });
    refresh();
  }

  async function remove(m: StaffRow) {
    setBusy(m.id);
    setMessage(null);
    const res = await api(`${base}/${encodeURIComponent(m.id)}`, { method: "DELETE" });
    setRemoving(null);
    if (res.ok && m.userId === me) {
      // Leaving the course: this page is no longer ours to see.
      router.push("/dashboard");
      return;
    }
    setMessage(res.ok ? { tone: "success", text: m.status === "invited" ? `Invitation for ${m.email} withdrawn.` : `${label(m)} removed from the staff.` } : { tone: "error", text: res.error.message });
    refresh();
  }

  return (
    <div className="flex flex-col gap-6">
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      <section aria-labelledby="staff-heading" className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <div className="border-b border-slate-200 px-5 py-3">
          <h2 id="staff-heading" className="font-semibold">
            Teachers and teaching assistants
          </h2>
          <p className="text-sm text-slate-600">
            {STAFF_ROLE_LABEL.owner}s: {ROLE_HINT.owner.toLowerCase()} {STAFF_ROLE_LABEL.ta}s: {ROLE_HINT.ta.toLowerCase()}
          </p>
        </div>
        <ul className="divide-y divide-slate-100" aria-label="Staff">
          {staff.map((m) => {
            const lastOwner = m.role === "owner" && m.status === "active" && activeOwners.length === 1;
            const self = m.userId === me;
            return (
              <li key={m.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-5 py-3">
                <div className="min-w-0 flex-1 basis-56">
                  <p className="truncate font-medium">
                    {label(m)}
                    {self ? <span className="ml-2 text-sm font-normal text-slate-600">(you)</span> : null}
                  </p>
                  {m.name ? <p className="truncate text-sm text-slate-600">{m.email}</p> : null}
                  {m.status === "invited" ? <p className="text-sm text-slate-600">Invited: becomes active when this address registers.</p> : null}
                </div>
                {m.status === "invited" ? <span className="rounded-full bg-sky-100 px-2.5 py-1 text-xs font-semibold text-sky-900">Invited</span> : null}
                {canManage && !lastOwner ? (
                  <RoleSelect member={m} disabled={busy === m.id || refreshing} onChange={(role) => void changeRole(m, role)} />
                ) : (
                  <span className="rounded-full bg-slate-100 px-2.5 py-1 text-xs font-semibold text-slate-800">{STAFF_ROLE_LABEL[m.role]}</span>
                )}
                {canManage ? (
                  lastOwner ? (
                    <p className="basis-full text-sm text-slate-700 sm:basis-auto sm:max-w-xs" data-testid="last-owner-note">
                      {self ? "You are" : `${label(m)} is`} the course&apos;s only teacher (owner), so {self ? "you cannot leave or become" : "they cannot be removed or made"} a TA. Make someone else a teacher first.
                    </p>
                  ) : (
                    <Button
                      size="sm"
                      variant="secondary"
                      disabled={busy === m.id || refreshing}
                      aria-label={self ? "Leave the course" : `${m.status === "invited" ? "Withdraw" : "Remove"} ${label(m)}`}
                      onClick={() => setRemoving(m)}
                    >
                      {m.status === "invited" ? "Withdraw" : self ? "Leave" : "Remove"}
                    </Button>
                  )
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>

      {canManage ? <InviteForm base={base} registerUrl={registerUrl} onAdded={(text) => (setMessage({ tone: "success", text }), refresh())} /> : null}

      <ConfirmDialog
        open={removing !== null}
        title={removing ? (removing.userId === me ? "Leave this course?" : removing.status === "invited" ? `Withdraw the invitation for ${removing.email}?` : `Remove ${label(removing)}?`) : "Remove"}
        confirmLabel={removing?.userId === me ? "Leave" : removing?.status === "invited" ? "Withdraw" : "Remove"}
        busyLabel="Removing…"
        busy={removing !== null && busy === removing.id}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && void remove(removing)}
      >
        {removing?.userId === me ? (
          <p>You lose access to the course, its sessions and its records at once. Another owner can add you again.</p>
        ) : removing?.status === "invited" ? (
          <p>That address will not join the staff when it registers.</p>
        ) : (
          <p>They lose access at once: open consoles stop showing codes and names. Their past marks stay in the records.</p>
        )}
      </ConfirmDialog>
    </div>
  );
}

function RoleSelect({ member, disabled, onChange }: { member: StaffRow; disabled: boolean; onChange: (role: StaffRole) => void }) {
  const id = useId();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="sr-only">
        Role of {member.name ?? member.email}
      </label>
      <select
        id={id}
        value={member.role}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value as StaffRole)}
        className="rounded-lg border border-slate-300 bg-white px-2.5 py-1.5 text-sm font-medium shadow-sm outline-none focus:border-brand-600 focus:ring-2 focus:ring-brand-600/30"
      >
        <option value="owner">{STAFF_ROLE_LABEL.owner}</option>
        <option value="ta">{STAFF_ROLE_LABEL.ta}</option>
      </select>
    </div>
  );
}

function InviteForm({ base, registerUrl, onAdded }: { base: string; registerUrl: string; onAdded: (text: string) => void }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<StaffRole>("ta");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    setFormError(null);
    const res = await api<{ member: StaffRow }>(base, { body: { email, role } });
    setPending(false);
    if (!res.ok) {
      const issue = Array.isArray(res.error.issues) ? (res.error.issues[0] as { path?: string; message?: string } | undefined) : undefined;
      if (issue?.path === "email") setError(issue.message ?? res.error.message);
      else setFormError(res.error.message);
      return;
    }
    const m = res.data.member;
    setEmail("");
    onAdded(
      m.status === "active"
        ? `${m.name} is now a ${STAFF_ROLE_LABEL[m.role].toLowerCase()} of this course.`
        : `No account uses ${m.email} yet. The invitation waits: when they register at ${registerUrl} with this address, they become a ${STAFF_ROLE_LABEL[m.role].toLowerCase()}.`,
    );
  }

  return (
    <section aria-labelledby="invite-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="invite-heading" className="text-lg font-semibold">
        Add a teacher or TA
      </h2>
      <p className="text-sm text-slate-600">By e-mail. Someone without an account yet is invited, and joins when they register with that address.</p>
      <form onSubmit={onSubmit} noValidate className="mt-4 flex flex-col gap-4" aria-busy={pending}>
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <Field label="E-mail" name="email" type="email" autoComplete="off" required value={email} onChange={(e) => setEmail(e.target.value)} error={error} className="max-w-md" />
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Role</legend>
          <div className="mt-2 flex flex-col gap-2">
            {(["ta", "owner"] as const).map((r) => (
              <label key={r} className="flex items-start gap-3 text-sm">
                <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} className="mt-1 h-4 w-4 accent-brand-600" />
                <span>
                  <span className="font-medium text-slate-900">{STAFF_ROLE_LABEL[r]}</span>
                  <span className="block text-slate-600">{ROLE_HINT[r]}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <Button type="submit" disabled={pending}>
            {pending ? "Adding…" : "Add to staff"}
          </Button>
        </div>
      </form>
    </section>
  );
}
