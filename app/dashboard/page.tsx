import type { Metadata } from "next";
import { AppHeader } from "@/components/app-header";
import { LiveRefresh } from "@/components/live-refresh";
import { Card } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/page";
import { listCourses } from "@/lib/courses/courses";
import { enrollmentCounts } from "@/lib/courses/enrollment";
import { studentSummary, type StudentCourseSummary } from "@/lib/courses/student-summary";
import { courseLabel } from "@/lib/model/course";
import type { MyCourseAttendance } from "@/lib/model/records";
import { isStaff } from "@/lib/model/vocabulary";
import { myAttendance } from "@/lib/records/student";
import { AtRiskWarning } from "@/components/records/at-risk-warning";
import { CreateCourseForm } from "./create-course-form";
import { EnrollForm } from "./enroll-form";
import { OpenSessionBanner } from "./open-session-banner";
import { StudentCard } from "./student-card";
import { ArchivedCourses } from "./archived-courses";
import { TeachingCard } from "./teaching-card";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const user = await requirePageUser("/dashboard");
  const [courses, archived] = await Promise.all([listCourses(user), listCourses(user, { archived: true })]);
  const teaching = courses.filter((c) => isStaff(c.role));
  const taking = courses.filter((c) => !isStaff(c.role));
  const [counts, summary, attendance] = await Promise.all([
    enrollmentCounts(teaching.map((c) => c.id)),
    taking.length ? studentSummary(user.id) : new Map<string, StudentCourseSummary>(),
    taking.length ? myAttendance(user) : ([] as MyCourseAttendance[]),
  ]);
  const mine = new Map(attendance.map((a) => [a.courseId, a]));
  // Warnings only for courses on the dashboard (an archived course keeps its records but leaves it).
  const atRisk = attendance.filter((a) => a.atRisk && mine.has(a.courseId) && taking.some((c) => c.id === a.courseId));
  const isTeacher = user.kind === "teacher";
  const open = taking.filter((c) => summary.get(c.id)?.openSession);

  return (
    <>
      <AppHeader user={user} />
      <LiveRefresh
        events={["session:started", "session:ended", "enrollment:requested", "enrollment:updated", "course:updated", ...(taking.length ? (["attendance:marked"] as const) : [])]}
        courseIds={[...teaching, ...archived.filter((c) => isStaff(c.role))].map((c) => c.id)}
      />
      <main id="main" className="mx-auto flex max-w-5xl flex-col gap-10 px-4 py-6 sm:px-6 sm:py-10">
        {/* The whole name as the person gave it: a first word may be a title ("Dr.") or, in many names, the family name. */}
        <h1 className="text-2xl font-bold tracking-tight break-words sm:text-3xl">Hi, {user.name}</h1>

        {open.map((c) => (
          <OpenSessionBanner key={c.id} course={c} summary={summary.get(c.id)!} />
        ))}

        {atRisk.map((a) => (
          <AtRiskWarning
            key={a.courseId}
            courseName={courseLabel({ name: a.courseName, code: a.courseCode })}
            rate={a.rate}
            warnBelowPercent={a.warnBelowPercent}
            href={`/courses/${encodeURIComponent(a.courseId)}`}
          />
        ))}

        {isTeacher || teaching.length > 0 ? (
          <section aria-labelledby="teaching-heading" className="grid gap-6 lg:grid-cols-3">
            <div className="lg:col-span-2">
              <h2 id="teaching-heading" className="text-lg font-semibold">
                Courses you teach
              </h2>
              {teaching.length === 0 ? (
                <Card className="mt-3 text-slate-700">
                  {archived.some((c) => isStaff(c.role))
                    ? "No courses running. Your archived courses are at the bottom of this page."
                    : "No courses yet. Create your first one — students enroll with the code it gets."}
                </Card>
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
                    <StudentCard key={c.id} course={c} mine={mine.get(c.id)} />
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

        {archived.length > 0 ? <ArchivedCourses courses={archived} /> : null}
      </main>
    </>
  );
}
