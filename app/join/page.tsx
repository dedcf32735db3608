import type { Metadata } from "next";
import { Suspense } from "react";
import { RollcallMark } from "@/components/rollcall-mark";
import { JoinClient } from "@/components/join/join-client";

export const metadata: Metadata = {
  title: "Check in",
  description: "Scan the QR code on the classroom screen or type its 6-digit code.",
  appleWebApp: { capable: true, title: "Rollcall", statusBarStyle: "default" },
};

/**
 * Static on purpose (SPEC §6): a whole lecture hall loads this within a
 * minute, so it is served from the build, and everything that depends on the
 * visitor (the `t` of a deep link, sign-in, the camera) happens in the browser.
 */
export default function JoinPage() {
  return (
    <div className="mx-auto flex min-h-dvh w-full max-w-md flex-col px-4 pb-10 pt-4">
      <header className="mb-5 flex items-center justify-between">
        {/* A plain link on purpose: next/link would add 3 kB to every phone's first load of /join. */}
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
        <a href="/" className="flex items-center gap-2 rounded-md text-lg font-bold text-brand-700 focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-brand-600">
          <RollcallMark className="h-7 w-7" />
          Rollcall
        </a>
      </header>
      <main id="main" className="flex flex-1 flex-col">
        <h1 className="mb-5 text-2xl font-bold tracking-tight text-slate-900">Check in to class</h1>
        <Suspense fallback={<p className="py-16 text-center text-slate-600">Loading…</p>}>
          <JoinClient />
        </Suspense>
      </main>
    </div>
  );
}
