import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export default function SessionNotFound() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 text-center sm:px-6">
      <p className="text-sm font-semibold uppercase tracking-wide text-slate-600">404</p>
      <h1 className="mt-2 text-2xl font-bold">Session not found</h1>
      <p className="mt-3 text-slate-700">The link may be wrong, or the session belongs to a course that was deleted.</p>
      <Link href="/dashboard" className={buttonClass("primary", "md", "mt-6")}>
        Go to your dashboard
      </Link>
    </main>
  );
}
