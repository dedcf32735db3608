"use client";

import "./globals.css";

/** When even the root layout fails: the same message with its own <html>, and a full page load home. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-dvh font-sans">
        <main id="main" className="mx-auto max-w-xl px-4 py-16 text-center sm:px-6">
          <title>Something went wrong · Rollcall</title>
          <p className="text-lg font-bold text-brand-700">Rollcall</p>
          <h1 className="mt-10 text-2xl font-bold">Something went wrong</h1>
          <p className="mt-3 text-slate-700">Rollcall couldn&apos;t show this page. Try again in a moment.</p>
          {error.digest ? <p className="mt-2 text-sm text-slate-600">Reference: <span className="font-mono">{error.digest}</span></p> : null}
          <div className="mt-6 flex flex-wrap justify-center gap-3">
            <button type="button" onClick={reset} className="rounded-lg bg-brand-600 px-4 py-2.5 text-sm font-semibold text-white hover:bg-brand-700">
              Try again
            </button>
            {/* A full page load: the app's router is what failed. */}
            {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
            <a href="/" className="rounded-lg border border-slate-300 bg-white px-4 py-2.5 text-sm font-semibold text-slate-900 hover:bg-slate-100">
              Rollcall home
            </a>
          </div>
        </main>
      </body>
    </html>
  );
}
