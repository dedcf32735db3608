import type { Metadata } from "next";
import Link from "next/link";
import { AppHeader } from "@/components/app-header";
import { LiveRefresh } from "@/components/live-refresh";
import { LocalTime } from "@/components/local-time";
import { isAutoTitle } from "@/components/session-title";
import { StartSessionButton } from "@/components/start-session";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/page";
import { isStaff } from "@/lib/courses/access";
import { enrollmentCounts, listCourses } from "@/lib/courses/service";
import { studentSummary, type StudentCourseSummary } from "@/lib/courses/student-summary";
import type { EnrollmentStatus } from "@/lib/db/schema";
import { CreateCourseForm } from "./create-course-form";
import { EnrollForm } from "./enroll-form";

export const metadata: Metadata = { title: "Dashboard" };

type CourseRow = ReturnType<typeof listCourses>[number];

export default async function DashboardPage() {
  const user = await requirePageUser("/dashboard");
  const courses = listCourses(user);
  const teaching = courses.filter((c) => isStaff(c.role));
  const taking = courses.filter((c) => !isStaff(c.role));
  const counts = enrollmentCounts(teaching.map((c) => c.id));
  const summary = taking.length ? studentSummary(user.id) : new Map<string, StudentCourseSummary>();
  const isTeacher = user.kind === "teacher";
  const open = taking.filter((c) => summary.get(c.id)?.openSession);

  return (
    <>
      <AppHeader user={user} />
      <LiveRefresh events={["session:started", "session:ended", "enrollment:requested", "enrollment:updated"]} courseIds={teaching.map((c) => c.id)} />
      <main id="main" className="mx-auto flex max-w-5xl flex-col gap-10 px-4 py-6 sm:px-6 sm:py-10">
        <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">Hi, {user.name.split(" ")[0]}</h1>

        {open.map((c) => (
          <OpenSessionBanner key={c.id} course={c} summary={summary.get(c.id)!} />
        ))}

        {isTeacher || teaching.length > 0 ? (
          <section aria-labelledby="teaching-heading" className="grid gap-6 lg:grid-cols-3">
            <div className="lg:col-span-2">
              <h2 id="teaching-heading" className="text-lg font-semibold">
                Courses you teach
              </h2>
              {teaching.length === 0 ? (
                <Card className="mt-3 text-slate-700">No courses yet. Create your first one — students enroll with the code it gets.</Card>
              ) : (
                <ul className="mt-3 grid gap-4 md:grid-cols-2">
                  {teaching.map((c) => (
                    <TeachingCard key={c.id} course={c} approved={counts.get(c.id)?.approved ?? 0} pending={counts.get(c.id)?.pending ?? 0} />
                  ))}
                </ul>
              )}
            </div>
            {isTeacher ? (
              <Card className="self-start">
                <h2 className="text-lg font-semibold">Create a course</h2>
                <div className="mt-4">
                  <CreateCourseForm />
                </div>
              </Card>
            ) : null}
          </section>
        ) : null}

        {!isTeacher || taking.length > 0 ? (
          <section aria-labelledby="taking-heading" className="grid gap-6 lg:grid-cols-3">
            <div className="lg:col-span-2">
              <h2 id="taking-heading" className="text-lg font-semibold">
                {isTeacher ? "Courses you take" : "Your courses"}
              </h2>
              {taking.length === 0 ? (
                <Card className="mt-3 text-slate-700">You&apos;re not in any course yet. Enter the enroll code your teacher gave you.</Card>
              ) : (
                <ul className="mt-3 grid gap-4 md:grid-cols-2">
                  {taking.map((c) => (
                    <StudentCard key={c.id} course={c} summary={summary.get(c.id)} />
                  ))}
                </ul>
              )}
            </div>
            <Card className="self-start">
              <h2 className="text-lg font-semibold">Join a course</h2>
              <div className="mt-4">
                <EnrollForm />
              </div>
            </Card>
          </section>
        ) : (
          <details className="rounded-xl border border-slate-200 bg-white p-5">
            <summary className="cursor-pointer font-semibold">Enroll in someone else&apos;s course</summary>
            <div className="mt-4 max-w-sm">
              <EnrollForm />
            </div>
          </details>
        )}
      </main>
    </>
  );
}

function courseLabel(c: Pick<CourseRow, "code" | "name">) {
  return c.code ? `${c.code} ${c.name}` : c.name;
}

function TeachingCard({ course, approved, pending }: { course: CourseRow; approved: number; pending: number }) {
  const enrollCode = "enrollCode" in course ? course.enrollCode : null;
  return (
    <li>
      <Card className="flex h-full flex-col gap-4">
        <div className="flex items-start justify-between gap-3">
          <div className="min-w-0">
            {course.code ? <p className="text-sm font-semibold text-brand-700">{course.code}</p> : null}
            <h3 className="text-lg font-semibold leading-snug">
              <Link href={`/courses/${course.id}`} className="hover:underline focus-visible:outline-2 focus-visible:outline-brand-600">
                {course.name}
              </Link>
            </h3>
            {course.term ? <p className="text-sm text-slate-600">{course.term}</p> : null}
          </div>
          {course.activeSessionId ? (
            <Link
              href={`/sessions/${course.activeSessionId}`}
              className="inline-flex shrink-0 items-center gap-1.5 rounded-full bg-emerald-100 px-2.5 py-1 text-xs font-semibold text-emerald-800 hover:bg-emerald-200"
            >
              <span className="h-2 w-2 animate-pulse rounded-full bg-emerald-600" aria-hidden="true" />
              Active session
            </Link>
          ) : null}
        </div>
        <dl className="grid grid-cols-2 gap-3 text-sm">
          <div>
            <dt className="text-slate-600">Students</dt>
            <dd className="font-semibold">
              {approved}
              {pending > 0 ? <span className="ml-1.5 font-medium text-amber-800">· {pending} waiting</span> : null}
            </dd>
          </div>
          {enrollCode ? (
            <div>
              <dt className="text-slate-600">Enroll code</dt>
              <dd className="font-mono text-base font-semibold tracking-widest" data-testid="enroll-code">
                {enrollCode}
              </dd>
            </div>
          ) : null}
        </dl>
        <div className="mt-auto flex flex-wrap items-center gap-x-4 gap-y-2">
          {course.activeSessionId ? (
            <Link href={`/sessions/${course.activeSessionId}`} className={buttonClass("primary")}>
              Open console
            </Link>
          ) : (
            <StartSessionButton courseId={course.id} courseName={courseLabel(course)} />
          )}
          <Link href={`/courses/${course.id}`} className="rounded text-sm font-semibold text-brand-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600">
            Roster &amp; history
          </Link>
        </div>
      </Card>
    </li>
  );
}

const STATUS_TEXT: Record<EnrollmentStatus, { label: string; tone: string }> = {
  approved: { label: "Enrolled", tone: "bg-emerald-100 text-emerald-800" },
  pending: { label: "Waiting for approval", tone: "bg-amber-100 text-amber-900" },
  rejected: { label: "Request declined", tone: "bg-red-100 text-red-800" },
  dropped: { label: "Dropped", tone: "bg-slate-100 text-slate-700" },
};

function StudentCard({ course, summary }: { course: CourseRow; summary: StudentCourseSummary | undefined }) {
  const status: EnrollmentStatus = course.role === "student" ? "approved" : (course.enrollmentStatus ?? "pending");
  const chip = STATUS_TEXT[status];
  const rate = summary?.rate ?? null;
  return (
    <li>
      <Card className="flex h-full flex-col gap-3">
        <div className="flex items-start justify-between gap-3">
          <div className="min-w-0">
            {course.code ? <p className="text-sm font-semibold text-brand-700">{course.code}</p> : null}
            <h3 className="text-lg font-semibold leading-snug">{course.name}</h3>
            {course.term ? <p className="text-sm text-slate-600">{course.term}</p> : null}
          </div>
          <span className={`shrink-0 rounded-full px-2.5 py-1 text-xs font-semibold ${chip.tone}`}>{chip.label}</span>
        </div>
        {status === "approved" ? (
          rate === null ? (
            <p className="text-sm text-slate-600">No finished sessions yet.</p>
          ) : (
            <div>
              <p className="text-sm text-slate-700">
                <span className="text-2xl font-bold text-slate-900">{Math.round(rate * 100)}%</span> attendance
                <span className="text-slate-600">
                  {" "}
                  · {summary!.attended} of {summary!.counted} session{summary!.counted === 1 ? "" : "s"}
                </span>
              </p>
              <div className="mt-2 h-2 overflow-hidden rounded-full bg-slate-200" aria-hidden="true">
                <div className="h-full rounded-full bg-emerald-500" style={{ width: `${Math.round(rate * 100)}%` }} />
              </div>
            </div>
          )
        ) : status === "pending" ? (
          <p className="text-sm text-slate-700">Your teacher will approve your request; you can check in after that.</p>
        ) : null}
      </Card>
    </li>
  );
}

function OpenSessionBanner({ course, summary }: { course: CourseRow; summary: StudentCourseSummary }) {
  const s = summary.openSession!;
  const done = s.myStatus === "present" || s.myStatus === "late" || s.myStatus === "excused";
  return (
    <section aria-label={`Attendance open for ${courseLabel(course)}`} className="rounded-2xl bg-brand-700 p-5 text-white shadow-md sm:p-6">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-100">Attendance is open</p>
      <h2 className="mt-1 text-xl font-bold sm:text-2xl">{courseLabel(course)}</h2>
      <p className="text-brand-100">
        {isAutoTitle(s.title, s.startedAt) ? (
          <>
            Started <LocalTime iso={s.startedAt} format="time" />
          </>
        ) : (
          s.title
        )}
      </p>
      {done ? (
        <p className="mt-4 inline-flex items-center gap-2 rounded-lg bg-white/15 px-4 py-3 font-semibold">
          <span aria-hidden="true">✓</span>
          {s.myStatus === "late" ? "You're checked in (late)." : s.myStatus === "excused" ? "You're excused for this session." : "You're checked in."}
        </p>
      ) : (
        <Link
          href="/join"
          className="mt-4 flex w-full items-center justify-center rounded-xl bg-white px-6 py-4 text-lg font-bold text-brand-700 shadow hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white sm:w-auto sm:inline-flex"
        >
          Check in
        </Link>
      )}
    </section>
  );
}
