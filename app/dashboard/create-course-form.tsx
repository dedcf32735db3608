"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { api } from "@/lib/api/client";

type Created = { course: { id: string; name: string; enrollCode: string } };
type Issue = { path: string; message: string };

function browserTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

function hasIssue(issues: unknown, path: string): boolean {
  return Array.isArray(issues) && (issues as Issue[]).some((i) => i.path === path);
}

export function CreateCourseForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  const [term, setTerm] = useState("");
  const [autoApprove, setAutoApprove] = useState(true);
  const [pending, setPending] = useState(false);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Created["course"] | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    setIssues({});
    setCreated(null);
    // The course keeps the creating teacher's zone (SPEC §9): dates in exports and date filters use it.
    const timeZone = browserTimeZone();
    let res = await api<Created>("/api/courses", { body: { name, code, term, autoApprove, ...(timeZone ? { timeZone } : {}) } });
    // A zone this browser knows but the server's zone database does not: the course falls back to UTC.
    if (!res.ok && timeZone && hasIssue(res.error.issues, "timeZone")) res = await api<Created>("/api/courses", { body: { name, code, term, autoApprove } });
    setPending(false);
    if (!res.ok) {
      const byField: Record<string, string> = {};
      for (const i of (Array.isArray(res.error.issues) ? res.error.issues : []) as Issue[]) byField[i.path] ??= i.message;
      setIssues(byField);
      if (!Object.keys(byField).length) setError(res.error.message);
      return;
    }
    setCreated(res.data.course);
    setName("");
    setCode("");
    setTerm("");
    setAutoApprove(true);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4" aria-busy={pending}>
      {created ? (
        <Alert tone="success">
          <strong>{created.name}</strong> is ready. Students enroll with code <span className="font-mono font-semibold tracking-wider">{created.enrollCode}</span>.{" "}
          <Link href={`/courses/${created.id}`} className="font-semibold underline">
            Open the course
          </Link>
        </Alert>
      ) : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
      <Field label="Course name" name="name" required maxLength={120} placeholder="Introduction to Biology" value={name} onChange={(e) => setName(e.target.value)} error={issues.name} />
      <div className="grid grid-cols-2 gap-3">
        <Field label="Short code" name="code" maxLength={20} placeholder="BIO101" value={code} onChange={(e) => setCode(e.target.value)} error={issues.code} hint="Optional" />
        <Field label="Term" name="term" maxLength={40} placeholder="Fall 2026" value={term} onChange={(e) => setTerm(e.target.value)} error={issues.term} hint="Optional" />
      </div>
      <label className="flex items-start gap-3 text-sm text-slate-800">
        <input type="checkbox" name="autoApprove" checked={autoApprove} onChange={(e) => setAutoApprove(e.target.checked)} className="mt-0.5 h-4 w-4 accent-brand-600" />
        <span>
          <span className="font-medium">Approve students automatically</span>
          <span className="block text-slate-600">Turn off to approve each enrollment request yourself.</span>
        </span>
      </label>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create course"}
      </Button>
    </form>
  );
}
