import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

/** The 403 screen of the console and the projector; a student is pointed to where they check in. */
export function NotStaff({ role }: { role: "student" | null }) {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 text-center sm:px-6">
      <p className="text-sm font-semibold uppercase tracking-wide text-slate-600">403</p>
      <h1 className="mt-2 text-2xl font-bold">This page is for the course&apos;s teachers</h1>
      <p className="mt-3 text-slate-700">
        {role === "student"
          ? "The live console and the projector view are only for the teachers of this course. To check in, scan the code on the screen or type it on the join page."
          : "Only the teachers of this course can open its live session."}
      </p>
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        {role === "student" ? (
          // A full page load: only the join page may use the camera (Permissions-Policy), and it is a Pages Router page.
          // eslint-disable-next-line @next/next/no-html-link-for-pages
          <a href="/join" className={buttonClass("primary")}>
            Check in
          </a>
        ) : null}
        <Link href="/dashboard" className={buttonClass(role === "student" ? "secondary" : "primary")}>
          Go to your dashboard
        </Link>
      </div>
    </main>
  );
}
