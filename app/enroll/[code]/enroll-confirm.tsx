"use client";

import Link from "next/link";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { api } from "@/lib/api/client";

type Props = { code: string; course: { name: string; code: string | null; term: string | null } };
type Result = { enrollment: { courseId: string; status: "pending" | "approved" | "rejected" | "dropped" } };

export function EnrollConfirm({ code, course }: Props) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<Result["enrollment"]["status"] | null>(null);

  async function enroll() {
    setPending(true);
    setError(null);
    const res = await api<Result>("/api/enroll", { body: { code } });
    setPending(false);
    if (res.ok) setStatus(res.data.enrollment.status);
    else setError(res.error.message);
  }

  const heading = [course.code, course.name].filter(Boolean).join(" ");

  if (status) {
    const approved = status === "approved";
    return (
      <Card className="p-6 sm:p-8" aria-live="polite">
        <h1 className="text-xl font-bold">{approved ? "You're enrolled" : status === "pending" ? "Waiting for approval" : "Request declined"}</h1>
        <p className="mt-2 text-slate-700">
          {approved
            ? `${heading} is on your dashboard. Check in whenever your teacher opens attendance.`
            : status === "pending"
              ? `Your request to join ${heading} was sent. The teacher approves it; you'll see it on your dashboard.`
              : `Ask the teacher of ${heading} if this is a mistake.`}
        </p>
        <Link href="/dashboard" className={buttonClass("primary", "lg", "mt-6 w-full")}>
          Go to your dashboard
        </Link>
      </Card>
    );
  }

  return (
    <Card className="p-6 sm:p-8">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-700">Enroll in a course</p>
      <h1 className="mt-1 text-2xl font-bold">{heading}</h1>
      {course.term ? <p className="text-slate-600">{course.term}</p> : null}
      <p className="mt-4 text-slate-700">Your teacher will see your name and e-mail and can take your attendance in this course.</p>
      {error ? <Alert tone="error" className="mt-4">{error}</Alert> : null}
      <Button size="lg" className="mt-6 w-full" onClick={enroll} disabled={pending}>
        {pending ? "Enrolling…" : "Enroll"}
      </Button>
      <Link href="/dashboard" className={buttonClass("ghost", "md", "mt-2 w-full")}>
        Not now
      </Link>
    </Card>
  );
}
