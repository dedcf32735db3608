import Link from "next/link";
import { StartSessionButton } from "@/components/start-session";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { CourseListItem } from "@/lib/courses/courses";
import { courseLabel } from "@/lib/model/course";

/** A course the user teaches: students, enroll code, and the way into its session. */
export function TeachingCard({ course, approved, pending }: { course: CourseListItem; approved: number; pending: number }) {
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
