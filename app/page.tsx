import Link from "next/link";
import { redirect } from "next/navigation";
import { RollcallMark } from "@/components/rollcall-mark";
import { buttonClass } from "@/components/ui/button";
import { getPageUser } from "@/lib/auth/page";

/**
 * What Rollcall is, for someone who is not signed in. A signed-in person has
 * nothing to do here and goes to their dashboard. On a phone the student's
 * action comes first: most people who open `/` on a phone are in a lecture hall.
 */
export default async function Home() {
  if (await getPageUser()) redirect("/dashboard");
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-3xl flex-col justify-center gap-8 px-6 py-12 sm:py-16">
      <div>
        <p className="flex items-center gap-2 text-lg font-bold text-brand-700">
          <RollcallMark className="h-8 w-8" />
          Rollcall
        </p>
        <h1 className="mt-4 text-3xl font-bold tracking-tight sm:text-5xl">Attendance in the first minute of class.</h1>
        <p className="mt-4 text-lg text-slate-700">
          Open a session, put the rotating QR code on the projector, and watch the room check in live. Students scan with any phone or type the 6-digit code.
        </p>
      </div>
      <div className="flex flex-col gap-4 sm:flex-row sm:flex-wrap sm:items-center">
        {/* A full page load: /join is the Pages Router's page, and the only one that may use the camera (Permissions-Policy). */}
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
        <a href="/join" className={buttonClass("primary", "lg", "min-h-14 w-full text-lg sm:w-auto")}>
          Check in to class
        </a>
        <div className="flex gap-3">
          <Link href="/login" className={buttonClass("secondary", "lg", "flex-1 sm:flex-none")}>
            Sign in
          </Link>
          <Link href="/register" className={buttonClass("secondary", "lg", "flex-1 sm:flex-none")}>
            Create an account
          </Link>
        </div>
      </div>
    </main>
  );
}
