"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { ConfirmDialog } from "@/components/session/confirm-dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { api } from "@/lib/api/client";

export type CourseSettings = {
  name: string;
  code: string | null;
  term: string | null;
  autoApprove: boolean;
  timeZone: string;
  lateCredit: number;
  warnBelowPercent: number;
  lateAfterMinutes: number;
  closeAfterMinutes: number | null;
  rotationSeconds: number;
  codeRotationSeconds: number;
};

type Draft = Record<keyof CourseSettings, string | boolean>;
type Issue = { path: string; message: string };

const toDraft = (s: CourseSettings): Draft => ({
  name: s.name,
  code: s.code ?? "",
  term: s.term ?? "",
  autoApprove: s.autoApprove,
  timeZone: s.timeZone,
  lateCredit: String(s.lateCredit),
  warnBelowPercent: String(s.warnBelowPercent),
  lateAfterMinutes: String(s.lateAfterMinutes),
  closeAfterMinutes: s.closeAfterMinutes === null ? "" : String(s.closeAfterMinutes),
  rotationSeconds: String(s.rotationSeconds),
  codeRotationSeconds: String(s.codeRotationSeconds),
});

/** The draft as the API wants it; a number field that does not read as a number is sent as typed, so the server's message explains. */
function fromDraft(d: Draft): Record<keyof CourseSettings, unknown> {
  const num = (v: string | boolean) => (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v);
  return {
    name: d.name,
    code: d.code,
    term: d.term,
    autoApprove: d.autoApprove,
    timeZone: d.timeZone,
    lateCredit: num(d.lateCredit),
    warnBelowPercent: num(d.warnBelowPercent),
    lateAfterMinutes: num(d.lateAfterMinutes),
    closeAfterMinutes: d.closeAfterMinutes === "" ? null : num(d.closeAfterMinutes),
    rotationSeconds: num(d.rotationSeconds),
    codeRotationSeconds: num(d.codeRotationSeconds),
  };
}

/**
 * The Settings tab (owners): every course field with a one-line hint, a new
 * enroll code, archive and restore. Saving sends only what changed.
 */
export function SettingsForm({
  courseId,
  settings,
  timeZones,
  enrollCode,
  archivedAt,
  activeSession,
}: {
  courseId: string;
  settings: CourseSettings;
  timeZones: string[];
  enrollCode: string;
  archivedAt: string | null;
  activeSession: boolean;
}) {
  const router = useRouter();
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const [saved, setSaved] = useState<Draft>(() => toDraft(settings));
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [pending, setPending] = useState(false);
  const base = `/api/courses/${encodeURIComponent(courseId)}`;
  const changed = (Object.keys(draft) as Array<keyof CourseSettings>).filter((k) => draft[k] !== saved[k]);
  const set = (k: keyof CourseSettings) => (v: string | boolean) => setDraft((d) => ({ ...d, [k]: v }));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (changed.length === 0) return;
    setPending(true);
    setStatus(null);
    setIssues({});
    const all = fromDraft(draft);
    const res = await api<{ course: CourseSettings }>(base, { method: "PATCH", body: Object.fromEntries(changed.map((k) => [k, all[k]])) });
    setPending(false);
    if (!res.ok) {
      const list = (Array.isArray(res.error.issues) ? res.error.issues : []) as Issue[];
      setIssues(Object.fromEntries(list.map((i) => [i.path, i.message])));
      setStatus({ tone: "error", text: list.length ? "Some settings need a fix: see the fields marked below." : res.error.message });
      return;
    }
    const next = toDraft(res.data.course);
    setDraft(next);
    setSaved(next);
    setStatus({ tone: "success", text: "Settings saved. New sessions use them; a running session keeps its own." });
    router.refresh();
  }

  const field = (k: keyof CourseSettings, label: string, hint: string, props: Partial<Parameters<typeof Field>[0]> = {}) => (
    <Field label={label} name={k} value={String(draft[k])} onChange={(e) => set(k)(e.target.value)} error={issues[k]} hint={hint} {...props} />
  );
  const numeric = { inputMode: "decimal" as const, className: "[&_input]:max-w-[12rem]" };

  return (
    <div className="flex flex-col gap-6">
      <form onSubmit={onSubmit} noValidate aria-busy={pending} className="flex flex-col gap-6 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <div>
          <h2 className="text-lg font-semibold">Course settings</h2>
          <p className="text-sm text-slate-600">Changes apply to new sessions; a session already running keeps its settings.</p>
        </div>
        {status ? <Alert tone={status.tone}>{status.text}</Alert> : null}

        <Group title="The course">
          {field("name", "Course name", "What students see on their dashboard and after checking in.", { required: true, maxLength: 120 })}
          <div className="grid gap-4 sm:grid-cols-2">
            {field("code", "Short code", "Optional, like CS101: shown on phones and used in export file names.", { maxLength: 20 })}
            {field("term", "Term", "Optional, like Fall 2026.", { maxLength: 40 })}
          </div>
          <Checkbox
            checked={draft.autoApprove === true}
            onChange={set("autoApprove")}
            label="Approve students automatically"
            hint="Off: each student who uses the enroll code waits until staff approve them."
          />
        </Group>

        <Group title="Sessions">
          <div className="grid gap-4 sm:grid-cols-2">
            {field("lateAfterMinutes", "Late after (minutes)", "A check-in this long after the start counts as late.", numeric)}
            {field("closeAfterMinutes", "Close check-in after (minutes)", "Leave empty to keep check-in open until you end the session.", numeric)}
            {field("rotationSeconds", "QR code changes every (seconds)", "5 to 300. Shorter makes a photo of the screen useless sooner.", numeric)}
            {field("codeRotationSeconds", "6-digit code changes every (seconds)", "0 keeps one code until you make a new one.", numeric)}
          </div>
        </Group>

        <Group title="Records">
          <TimeZoneSelect value={String(draft.timeZone)} zones={timeZones} onChange={set("timeZone")} error={issues.timeZone} />
          <div className="grid gap-4 sm:grid-cols-2">
            {field("lateCredit", "A late counts as", "In the attendance rate: 1 = like present, 0.5 = half, 0 = like absent.", { ...numeric, step: "0.05" })}
            {field("warnBelowPercent", "Warn below (%)", "Students under this rate are marked at risk; 0 turns warnings off.", numeric)}
          </div>
        </Group>

        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={pending || changed.length === 0}>
            {pending ? "Saving…" : "Save settings"}
          </Button>
          {changed.length > 0 ? (
            <>
              <Button variant="ghost" onClick={() => (setDraft(saved), setIssues({}))} disabled={pending}>
                Undo changes
              </Button>
              <span className="text-sm text-slate-600">
                {changed.length} unsaved change{changed.length === 1 ? "" : "s"}
              </span>
            </>
          ) : null}
        </div>
      </form>

      <EnrollCodeSection base={base} enrollCode={enrollCode} archived={archivedAt !== null} onChanged={() => router.refresh()} />
      <ArchiveSection base={base} name={settings.name} archivedAt={archivedAt} activeSession={activeSession} onChanged={() => router.refresh()} />
    </div>
  );
}

function Group({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="flex flex-col gap-4">
      <legend className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-600">{title}</legend>
      {children}
    </fieldset>
  );
}

function Checkbox({ checked, onChange, label, hint }: { checked: boolean; onChange: (v: boolean) => void; label: string; hint: string }) {
  const id = useId();
  return (
    <div className="flex items-start gap-3">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={`${id}-hint`} className="mt-1 h-4 w-4 accent-brand-600" />
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-800">
          {label}
        </label>
        <p id={`${id}-hint`} className="text-sm text-slate-600">
          {hint}
        </p>
      </div>
    </div>
  );
}

function TimeZoneSelect({ value, zones, onChange, error }: { value: string; zones: string[]; onChange: (v: string) => void; error?: string }) {
  const id = useId();
  const options = zones.includes(value) ? zones : [value, ...zones];
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        Time zone
      </label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={`${id}-hint`}
        aria-invalid={error ? true : undefined}
        className="max-w-md rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-base text-slate-900 shadow-sm outline-none focus:border-brand-600 focus:ring-2 focus:ring-brand-600/30"
      >
        {options.map((z) => (
          <option key={z} value={z}>
            {z.replace(/_/g, " ")}
          </option>
        ))}
      </select>
      <p id={`${id}-hint`} className={`text-sm ${error ? "text-red-700" : "text-slate-600"}`}>
        {error ?? "Dates in exports, file names and date filters use this zone; pages show each reader's own."}
      </p>
    </div>
  );
}

function EnrollCodeSection({ base, enrollCode, archived, onChanged }: { base: string; enrollCode: string; archived: boolean; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  return (
    <section aria-labelledby="enroll-code-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="enroll-code-heading" className="text-lg font-semibold">
        Enroll code
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        Students join with <span className="font-mono font-semibold tracking-widest text-slate-900">{enrollCode}</span> or its link and QR code. If it was shared where it
        should not be, make a new one.
      </p>
      {result ? <Alert tone={result.tone} className="mt-3">{result.text}</Alert> : null}
      <Button variant="secondary" className="mt-4" onClick={() => setOpen(true)} disabled={archived}>
        Make a new enroll code
      </Button>
      <ConfirmDialog
        open={open}
        title="Make a new enroll code?"
        confirmLabel="Make a new code"
        busyLabel="Making…"
        busy={busy}
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          setBusy(true);
          const res = await api<{ enrollCode: string }>(`${base}/enroll-code`, { method: "POST" });
          setBusy(false);
          setOpen(false);
          setResult(res.ok ? { tone: "success", text: `The new enroll code is ${res.data.enrollCode}. The old one no longer works.` } : { tone: "error", text: res.error.message });
          onChanged();
        }}
      >
        <p>
          The code <span className="font-mono font-semibold">{enrollCode}</span>, its link and its QR code stop working at once, also on printed handouts and slides.
          Students already enrolled stay enrolled.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function ArchiveSection({ base, name, archivedAt, activeSession, onChanged }: { base: string; name: string; archivedAt: string | null; activeSession: boolean; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(method: "DELETE" | "POST") {
    setBusy(true);
    setError(null);
    const res = await api(method === "DELETE" ? base : `${base}/restore`, { method });
    setBusy(false);
    setOpen(false);
    if (!res.ok) setError(res.error.message);
    onChanged();
  }

  return (
    <section aria-labelledby="archive-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="archive-heading" className="text-lg font-semibold">
        {archivedAt ? "Restore the course" : "Archive the course"}
      </h2>
      {error ? <Alert tone="error" className="mt-3">{error}</Alert> : null}
      {archivedAt ? (
        <>
          <p className="mt-1 text-sm text-slate-700">Restoring brings it back to dashboards; sessions and new students are possible again.</p>
          <Button className="mt-4" onClick={() => void run("POST")} disabled={busy}>
            {busy ? "Restoring…" : "Restore course"}
          </Button>
        </>
      ) : (
        <>
          <p className="mt-1 text-sm text-slate-700">
            When the term is over: the course leaves dashboards and takes no new sessions or students. Every record stays readable and exportable, and you can restore it.
          </p>
          <Button variant="danger" className="mt-4" onClick={() => setOpen(true)}>
            Archive course
          </Button>
          <ConfirmDialog open={open} title={`Archive ${name}?`} confirmLabel="Archive" busyLabel="Archiving…" busy={busy} onClose={() => setOpen(false)} onConfirm={() => void run("DELETE")}>
            <p>It leaves everyone&apos;s dashboard, and its enroll code stops taking students. Records stay, and you can restore it later.</p>
            {activeSession ? <p className="mt-2 font-medium text-slate-900">The session running now ends at once: students who have not checked in are marked absent.</p> : null}
          </ConfirmDialog>
        </>
      )}
    </section>
  );
}
