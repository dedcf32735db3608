"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { api } from "@/lib/api/client";

type Enrolled = { enrollment: { courseId: string; status: string }; course: { id: string; name: string } };

export function enrollOutcome(status: number, data: Enrolled): { tone: "success" | "info" | "warning"; text: string } {
  const name = data.course.name;
  const s = data.enrollment.status;
  if (s === "approved") return { tone: "success", text: status === 201 ? `You're enrolled in ${name}.` : `You're already enrolled in ${name}.` };
  if (s === "pending") return { tone: "info", text: `Request sent for ${name}. You're waiting for approval from the teacher.` };
  if (s === "rejected") return { tone: "warning", text: `Your request for ${name} was declined. Ask your teacher if this is a mistake.` };
  return { tone: "info", text: `Your enrollment in ${name} is ${s}.` };
}

export function EnrollForm() {
  const router = useRouter();
  const [code, setCode] = useState("");
  const [pending, setPending] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [result, setResult] = useState<{ tone: "success" | "info" | "warning" | "error"; text: string } | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setFieldError(null);
    setResult(null);
    const res = await api<Enrolled>("/api/enroll", { body: { code } });
    setPending(false);
    if (!res.ok) {
      const issue = Array.isArray(res.error.issues) ? (res.error.issues[0] as { message?: string } | undefined) : undefined;
      if (res.error.code === "invalid_input" || res.error.code === "not_found") setFieldError(issue?.message ?? res.error.message);
      else setResult({ tone: "error", text: res.error.message });
      return;
    }
    setResult(enrollOutcome(res.status, res.data));
    setCode("");
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3" aria-busy={pending}>
      {result ? <Alert tone={result.tone}>{result.text}</Alert> : null}
      <Field
        label="Enroll code"
        name="code"
        required
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={12}
        placeholder="ABCD2345"
        className="[&_input]:font-mono [&_input]:uppercase [&_input]:tracking-widest"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={fieldError}
        hint="8 letters and digits, from your teacher."
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Enrolling…" : "Enroll"}
      </Button>
    </form>
  );
}
