"use client";

import Link from "next/link";
import { useEffect } from "react";
import { RollcallMark } from "@/components/rollcall-mark";
import { Button, buttonClass } from "@/components/ui/button";

/**
 * A page that failed on the server or in the browser: Rollcall's own words, a
 * way to try again and a way home. Nothing of the error itself is shown (the
 * server log has it; `digest` ties the two together).
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 text-center sm:px-6">
      <title>Something went wrong · Rollcall</title>
      <Link href="/" className="inline-flex items-center gap-2 rounded-md text-lg font-bold text-brand-700">
        <RollcallMark className="h-7 w-7" />
        Rollcall
      </Link>
      <h1 className="mt-10 text-2xl font-bold">Something went wrong</h1>
      <p className="mt-3 text-slate-700">This page didn&apos;t load. Nothing you entered was lost on our side — try again, or go back to your dashboard.</p>
      {error.digest ? <p className="mt-2 text-sm text-slate-600">Reference: <span className="font-mono">{error.digest}</span></p> : null}
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        <Button onClick={reset}>Try again</Button>
        <Link href="/dashboard" className={buttonClass("secondary")}>
          Go to your dashboard
        </Link>
      </div>
    </main>
  );
}
