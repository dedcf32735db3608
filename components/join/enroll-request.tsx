"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/api/client";

type EnrollReply = { enrollment: { courseId: string; status: "pending" | "approved" | "rejected" | "dropped" }; course: { id: string; name: string } };

type EnrollRequestProps = {
  /** Enrolled and approved: the page retries the check-in the student came for. */
  onApproved: () => void;
};

/** Accepts the 8-character enroll code or the whole enroll link the teacher shared. */
function enrollCodeFrom(input: string): string {
  const text = input.trim();
  const fromLink = /\/enroll\/([A-Za-z0-9-]{8,12})\/?(?:[?#].*)?$/.exec(text);
  return (fromLink ? fromLink[1] : text).toUpperCase().replace(/[\s-]/g, "");
}

/**
 * A student who is not in the course asks to join it. The course's enroll
 * code comes from the teacher (it is not in the QR code), so the page says so
 * and takes the code or the link here.
 */
export function EnrollRequest({ onApproved }: EnrollRequestProps) {
  const [value, setValue] = useState("");
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ tone: "error" | "info"; text: string } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const code = enrollCodeFrom(value);
    if (!/^[A-Z0-9]{8}$/.test(code)) {
      setNote({ tone: "error", text: "Enroll codes are 8 letters and digits, like K7QM2XPA." });
      return;
    }
    setBusy(true);
    const res = await api<EnrollReply>("/api/enroll", { body: { code } });
    setBusy(false);
    if (!res.ok) {
      setNote({ tone: "error", text: res.error.message });
      return;
    }
    const { status } = res.data.enrollment;
    if (status === "approved") {
      onApproved();
      return;
    }
    setNote({
      tone: "info",
      text:
        status === "pending"
          ? `Request sent to join ${res.data.course.name}. Once your teacher approves it, check in again.`
          : `You can't join ${res.data.course.name} right now. Talk to your teacher.`,
    });
  };

  return (
    <form onSubmit={submit} className="flex w-full flex-col gap-2 text-left">
      <label htmlFor="enroll-code" className="text-sm font-semibold text-slate-900">
        Enroll code or link from your teacher
      </label>
      <div className="flex gap-2">
        <input
          id="enroll-code"
          name="enrollCode"
          autoCapitalize="characters"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          className="min-h-12 min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-3 font-mono text-lg uppercase text-slate-900 outline-none focus:border-brand-600 focus:ring-2 focus:ring-brand-600/30"
        />
        <Button type="submit" size="lg" className="min-h-12 shrink-0" disabled={busy || !value.trim()}>
          {busy ? "Sending…" : "Request to join"}
        </Button>
      </div>
      {note ? (
        <p role={note.tone === "error" ? "alert" : "status"} className={`text-sm ${note.tone === "error" ? "text-red-700" : "text-slate-700"}`}>
          {note.text}
        </p>
      ) : null}
    </form>
  );
}
