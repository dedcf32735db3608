"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { api } from "@/lib/api/client";
import type { SessionDto } from "@/lib/model/attendance";
import type { SessionSettings, StartSessionInput } from "@/lib/model/settings";
import { Alert } from "./ui/alert";
import { Button } from "./ui/button";
import { Field } from "./ui/field";


type Issue = { path: string; message: string };
type SettingsBody = StartSessionInput;

/**
 * Starts a session and opens its console. A course that already has one
 * (`session_already_active`, e.g. started from another tab) opens that one.
 */
function useStartSession(courseId: string) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<Record<string, string>>({});

  async function start(body: SettingsBody) {
    setPending(true);
    setError(null);
    setIssues({});
    const res = await api<{ session: SessionDto }>(`/api/courses/${encodeURIComponent(courseId)}/sessions`, { body });
    if (res.ok) return router.push(`/sessions/${res.data.session.id}`);
    if (res.error.code === "session_already_active" && typeof res.error.sessionId === "string") {
      return router.push(`/sessions/${res.error.sessionId}`);
    }
    const byField: Record<string, string> = {};
    for (const i of (Array.isArray(res.error.issues) ? res.error.issues : []) as Issue[]) byField[i.path] ??= i.message;
    setIssues(byField);
    setError(Object.keys(byField).length ? "Check the settings below." : res.error.message);
    setPending(false);
  }

  return { start, pending, error, issues };
}

/** One click, the course's defaults. */
export function StartSessionButton({ courseId, courseName, className = "" }: { courseId: string; courseName: string; className?: string }) {
  const { start, pending, error } = useStartSession(courseId);
  return (
    <div className={className}>
      <Button onClick={() => start({})} disabled={pending} aria-label={`Start session for ${courseName}`}>
        {pending ? "Starting…" : "Start session"}
      </Button>
      {error ? <Alert tone="error" className="mt-2">{error}</Alert> : null}
    </div>
  );
}

/** The course page's version: one click with defaults, or "Settings…" for this session only. */
export function StartSessionPanel({ courseId, defaults }: { courseId: string; defaults: SessionSettings }) {
  const { start, pending, error, issues } = useStartSession(courseId);
  const [open, setOpen] = useState(false);
  const formId = useId();
  const [title, setTitle] = useState("");
  const [late, setLate] = useState(String(defaults.lateAfterMinutes));
  const [close, setClose] = useState(defaults.closeAfterMinutes === null ? "" : String(defaults.closeAfterMinutes));
  const [rotation, setRotation] = useState(String(defaults.rotationSeconds));
  const [codeRotation, setCodeRotation] = useState(String(defaults.codeRotationSeconds));

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    // An emptied box means the course default; the server's bounds and messages are the only rules.
    const num = (v: string) => (v.trim() === "" ? undefined : Number(v));
    void start({
      title: title.trim() || undefined,
      lateAfterMinutes: num(late),
      closeAfterMinutes: close.trim() === "" ? null : num(close),
      rotationSeconds: num(rotation),
      codeRotationSeconds: num(codeRotation),
    });
  }

  return (
    <div>
      <div className="flex flex-wrap items-center gap-3">
        <Button size="lg" onClick={() => start({})} disabled={pending}>
          {pending && !open ? "Starting…" : "Start session"}
        </Button>
        <Button variant="secondary" size="lg" aria-expanded={open} aria-controls={formId} onClick={() => setOpen((o) => !o)}>
          Settings…
        </Button>
      </div>
      {error && !open ? <Alert tone="error" className="mt-3">{error}</Alert> : null}
      {open ? (
        <form id={formId} onSubmit={onSubmit} noValidate className="mt-4 grid gap-4 rounded-lg border border-slate-200 bg-slate-50 p-4 sm:grid-cols-2">
          {error ? <Alert tone="error" className="sm:col-span-2">{error}</Alert> : null}
          <Field label="Title" className="sm:col-span-2" placeholder="e.g. Week 3 lecture" maxLength={120} value={title} onChange={(e) => setTitle(e.target.value)} hint="Leave empty to use today's date and time." error={issues.title} />
          <Field label="Late after (minutes)" type="number" inputMode="numeric" min={0} value={late} onChange={(e) => setLate(e.target.value)} error={issues.lateAfterMinutes} hint="Check-ins after this count as late." />
          <Field label="Close check-in after (minutes)" type="number" inputMode="numeric" min={1} value={close} onChange={(e) => setClose(e.target.value)} error={issues.closeAfterMinutes} hint="Empty: open until you end the session." />
          <Field label="QR code changes every (seconds)" type="number" inputMode="numeric" min={5} max={300} value={rotation} onChange={(e) => setRotation(e.target.value)} error={issues.rotationSeconds} hint="5 to 300." />
          <Field label="6-digit code changes every (seconds)" type="number" inputMode="numeric" min={0} value={codeRotation} onChange={(e) => setCodeRotation(e.target.value)} error={issues.codeRotationSeconds} hint="0 keeps it fixed until you regenerate it." />
          <div className="sm:col-span-2">
            <Button type="submit" disabled={pending}>
              {pending ? "Starting…" : "Start with these settings"}
            </Button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
