"use client";

import { useEffect, useRef, useState, type ClipboardEvent, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { cleanCode } from "./scan-text";

type CodeEntryProps = {
  onSubmit: (code: string) => void;
  busy?: boolean;
  autoFocus?: boolean;
};

/**
 * The 6-digit code: numeric keypad, SMS-style autofill, paste with spaces or
 * dashes, and it submits itself on the sixth digit.
 */
export function CodeEntry({ onSubmit, busy = false, autoFocus = false }: CodeEntryProps) {
  const [code, setCode] = useState("");
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!autoFocus) return;
    const input = inputRef.current;
    input?.focus();
    input?.scrollIntoView({ block: "center" });
  }, [autoFocus]);

  const update = (next: string) => {
    const clean = cleanCode(next);
    const completed = clean.length === 6 && code.length !== 6;
    setCode(clean);
    if (completed && !busy) onSubmit(clean);
  };

  const onPaste = (e: ClipboardEvent<HTMLInputElement>) => {
    const pasted = cleanCode(e.clipboardData.getData("text"));
    // A whole code replaces whatever was typed; a fragment is inserted as usual.
    if (pasted.length === 6) {
      e.preventDefault();
      update(pasted);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (code.length === 6 && !busy) onSubmit(code);
  };

  return (
    <form onSubmit={submit} className="mx-auto flex w-full max-w-sm flex-col gap-3">
      <label htmlFor="join-code" className="text-base font-semibold text-slate-900">
        Type the 6-digit code
      </label>
      <input
        ref={inputRef}
        id="join-code"
        name="code"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]*"
        enterKeyHint="go"
        spellCheck={false}
        autoCorrect="off"
        placeholder="000000"
        aria-describedby="code-hint"
        value={code}
        onChange={(e) => update(e.target.value)}
        onPaste={onPaste}
        disabled={busy}
        className="h-16 w-full rounded-xl border-2 border-slate-300 bg-white pl-[0.35em] text-center font-mono text-4xl tracking-[0.35em] text-slate-900 shadow-sm outline-none placeholder:text-slate-300 focus:border-brand-600 focus:ring-4 focus:ring-brand-600/20 disabled:bg-slate-100"
      />
      <p id="code-hint" className="text-sm text-slate-600">
        It&apos;s next to the QR code on the screen. We check you in as soon as you type the sixth digit.
      </p>
      <Button type="submit" size="lg" className="min-h-14 text-lg" disabled={busy || code.length !== 6}>
        {busy ? "Checking in…" : "Check in"}
      </Button>
    </form>
  );
}
