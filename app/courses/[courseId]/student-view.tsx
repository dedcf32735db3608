import Link from "next/link";
import { AppHeader } from "@/components/app-header";
import { LiveRefresh } from "@/components/live-refresh";
import { LocalTime } from "@/components/local-time";
import { AtRiskWarning } from "@/components/records/at-risk-warning";
import { StandingSummary } from "@/components/records/standing";
import { StatusChip } from "@/components/session/roster-list";
import { SessionTitle } from "@/components/session-title";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { CourseAccess } from "@/lib/courses/access";
import { can } from "@/lib/courses/permissions";
import { courseLabel } from "@/lib/model/course";
import type { AttendanceMethod, PublicUser } from "@/lib/model/vocabulary";
import { studentAttendance } from "@/lib/records/student";

/** How a student's own mark came about, in their words. */
const OWN_METHOD: Record<AttendanceMethod, string> = {
  qr: "scanned the QR code",
  code: "typed the code",
  manual: "marked by your teacher",
  auto: "marked when the session ended",
};

/**
 * /courses/:id for someone who is not staff (SPEC §12): an approved student
 * sees their own history in the course, nobody else's; anyone else an
 * explanation.
 */
export async function StudentCourseView({ user, access }: { user: PublicUser; access: CourseAccess }) {
  const { course } = access;
  if (!can(access.role, "records.own")) {
    const pending = access.enrollmentStatus === "pending";
    return (
      <>
        <AppHeader user={user} />
        <main id="main" className="mx-auto max-w-xl px-4 py-16 text-center sm:px-6">
          <p className="text-sm font-semibold uppercase tracking-wide text-slate-600">{pending ? "Waiting for approval" : "403"}</p>
          <h1 className="mt-2 text-2xl font-bold">{pending ? `Your request to join ${courseLabel(course)} is waiting` : "This page is for the course's teachers and students"}</h1>
          <p className="mt-3 text-slate-700">
            {pending ? "Your teacher will approve it; your attendance in this course shows here after that." : "Only the teachers and the enrolled students of a course can open its page."}
          </p>
          <Link href="/dashboard" className={buttonClass("primary", "md", "mt-6")}>
            Go to your dashboard
          </Link>
        </main>
      </>
    );
  }

  const mine = await studentAttendance(user, course.id, user.id);
  const open = mine.records.find((r) => r.sessionStatus === "active");
  return (
    <>
      <AppHeader user={user} />
      <LiveRefresh events={["session:started", "session:ended", "attendance:marked"]} />
      <main id="main" className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-6 sm:px-6 sm:py-10">
        <div>
          <Link href="/dashboard" className="text-sm font-medium text-brand-700 hover:underline">
            ← Dashboard
          </Link>
          {course.code ? <p className="mt-2 text-sm font-semibold text-brand-700">{course.code}</p> : null}
          <h1 className={`${course.code ? "" : "mt-2 "}text-2xl font-bold tracking-tight sm:text-3xl`}>{course.name}</h1>
          {course.term ? <p className="mt-1 text-slate-600">{course.term}</p> : null}
        </div>

        {open && open.status === null ? (
          <div className="flex flex-wrap items-center justify-between gap-3 rounded-xl border border-emerald-200 bg-emerald-50 px-4 py-3">
            <p className="font-semibold text-emerald-900">{open.title ?? "A session"} is running now.</p>
            {/* A full page load: the join page alone may use the camera (Permissions-Policy), and it is a Pages Router page. */}
            {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
            <a href="/join" className={buttonClass("primary")}>
              Check in
            </a>
          </div>
        ) : null}

        {mine.atRisk ? <AtRiskWarning courseName={courseLabel(course)} rate={mine.rate} warnBelowPercent={mine.warnBelowPercent} /> : null}

        <Card>
          <h2 className="sr-only">Your attendance</h2>
          <StandingSummary standing={mine} title="Your attendance" />
          {mine.warnBelowPercent > 0 && !mine.atRisk ? (
            <p className="mt-3 text-sm text-slate-600">The course asks for at least {mine.warnBelowPercent}%. Excused sessions do not count against you.</p>
          ) : null}
        </Card>

        <section aria-labelledby="sessions-heading" className="rounded-xl border border-slate-200 bg-white shadow-sm">
          <h2 id="sessions-heading" className="border-b border-slate-200 px-4 py-3 font-semibold">
            Your sessions <span className="text-sm font-normal text-slate-600">newest first</span>
          </h2>
          {mine.records.length === 0 ? (
            <p className="px-4 py-8 text-center text-sm text-slate-600">No sessions yet.</p>
          ) : (
            <ul aria-label="Your sessions">
              {mine.records.map((r) => (
                <li key={r.sessionId} data-session-id={r.sessionId} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 border-b border-slate-100 px-4 py-3 last:border-b-0">
                  <div className="min-w-0">
                    <p className="truncate font-medium text-slate-900">
                      <SessionTitle title={r.title} startedAt={r.startedAt} />
                    </p>
                    <p className="text-sm text-slate-600">
                      {r.title === null ? null : <LocalTime iso={r.startedAt} />}
                      {r.title === null ? null : " · "}
                      {r.checkedInAt ? (
                        <>
                          checked in <LocalTime iso={r.checkedInAt} format="time" />
                        </>
                      ) : r.method ? (
                        OWN_METHOD[r.method]
                      ) : null}
                    </p>
                    {r.note ? <p className="text-sm text-slate-700">Note: {r.note}</p> : null}
                  </div>
                  {r.status ? (
                    <StatusChip status={r.status} lateMinutes={r.lateMinutes} />
                  ) : (
                    <span className="text-sm text-slate-600">{r.sessionStatus === "active" ? "Not checked in yet" : "No record (before you joined)"}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      </main>
    </>
  );
}
