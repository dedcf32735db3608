"use client";

import { useEffect, useRef, type ReactNode } from "react";
import type { Message, Tone } from "./messages";

const TONE: Record<Tone, { ring: string; icon: ReactNode; label: string }> = {
  success: { ring: "bg-emerald-100 text-emerald-700", icon: <path d="M5 12.5l4.5 4.5L19 7.5" />, label: "Checked in" },
  late: { ring: "bg-amber-100 text-amber-800", icon: <path d="M12 7v5l3 2M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0z" />, label: "Checked in late" },
  info: { ring: "bg-sky-100 text-sky-800", icon: <path d="M12 16v-5m0-3h.01M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0z" />, label: "Note" },
  error: { ring: "bg-red-100 text-red-700", icon: <path d="M12 8v5m0 3h.01M10.3 3.9L2.4 17.5A2 2 0 0 0 4.1 20.5h15.8a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z" />, label: "Problem" },
};

type ResultViewProps = {
  message: Message;
  /** Changes whenever a new result is shown, so screen readers and keyboards land on it. */
  resultKey: string;
  /** Off while the text ticks (a countdown), so screen readers are not interrupted every second. */
  announce?: boolean;
  children?: ReactNode;
};

/** One result, success or failure: an icon, the sentence, the detail, then what to do next (children). */
export function ResultView({ message, resultKey, announce = true, children }: ResultViewProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const tone = TONE[message.tone];

  useEffect(() => {
    headingRef.current?.focus();
  }, [resultKey]);

  return (
    <section aria-labelledby="result-title" className="flex flex-col items-center gap-4 rounded-2xl border border-slate-200 bg-white px-5 py-8 text-center shadow-sm" data-result-tone={message.tone}>
      <div className={`flex h-20 w-20 items-center justify-center rounded-full ${tone.ring}`}>
        <svg viewBox="0 0 24 24" className="h-11 w-11" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" role="img" aria-label={tone.label}>
          {tone.icon}
        </svg>
      </div>
      <div role={announce ? (message.tone === "error" ? "alert" : "status") : undefined} className="flex flex-col gap-2">
        <h2 id="result-title" ref={headingRef} tabIndex={-1} className="text-2xl font-bold leading-tight text-slate-900 outline-none">
          {message.title}
        </h2>
        <p className="text-base leading-relaxed text-slate-700">{message.body}</p>
      </div>
      {children ? <div className="flex w-full flex-col gap-3">{children}</div> : null}
    </section>
  );
}
