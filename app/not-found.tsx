import type { Metadata } from "next";
import Link from "next/link";
import { RollcallMark } from "@/components/rollcall-mark";
import { buttonClass } from "@/components/ui/button";

export const metadata: Metadata = { title: "Page not found" };

/** Every address no page answers, including malformed ones the server turns away (server/request-guard.ts). */
export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 text-center sm:px-6">
      <Link href="/" className="inline-flex items-center gap-2 rounded-md text-lg font-bold text-brand-700">
        <RollcallMark className="h-7 w-7" />
        Rollcall
      </Link>
      <p className="mt-10 text-sm font-semibold uppercase tracking-wide text-slate-600">404</p>
      <h1 className="mt-2 text-2xl font-bold">Page not found</h1>
      <p className="mt-3 text-slate-700">The link may be mistyped or out of date. To check in to a class, open the join page.</p>
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        {/* A full page load: the join page alone may use the camera (Permissions-Policy), and it is a Pages Router page. */}
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
        <a href="/join" className={buttonClass("primary")}>
          Check in
        </a>
        <Link href="/dashboard" className={buttonClass("secondary")}>
          Go to your dashboard
        </Link>
      </div>
    </main>
  );
}
