import Link from "next/link";
import { Card } from "@/components/ui/card";
import { EnrollmentStatusChip } from "@/components/enrollment-status";
import { formatRate } from "@/components/records/status";
import type { CourseListItem } from "@/lib/courses/courses";
import type { MyCourseAttendance } from "@/lib/model/records";
import type { EnrollmentStatus } from "@/lib/model/vocabulary";

/** A course the user takes: enrollment status, their own rate, and the way to their history in it. */
export function StudentCard({ course, mine }: { course: CourseListItem; mine: MyCourseAttendance | undefined }) {
  const status: EnrollmentStatus = course.role === "student" ? "approved" : (course.enrollmentStatus ?? "pending");
  const rate = mine?.rate ?? null;
  const href = `/courses/${encodeURIComponent(course.id)}`;
  return (
    <li>
      <Card className="flex h-full flex-col gap-3">
        <div className="flex items-start justify-between gap-3">
          <div className="min-w-0">
            {course.code ? <p className="text-sm font-semibold text-brand-700">{course.code}</p> : null}
            <h3 className="text-lg font-semibold leading-snug">
              {status === "approved" ? (
                <Link href={href} className="hover:underline focus-visible:outline-2 focus-visible:outline-brand-600">
                  {course.name}
                </Link>
              ) : (
                course.name
              )}
            </h3>
            {course.term ? <p className="text-sm text-slate-600">{course.term}</p> : null}
          </div>
          <EnrollmentStatusChip status={status} className="shrink-0" />
        </div>
        {status === "approved" ? (
          rate === null ? (
            <p className="text-sm text-slate-600">No finished sessions yet.</p>
          ) : (
            <div>
              <p className="text-sm text-slate-700">
                <span className={`text-2xl font-bold ${mine?.atRisk ? "text-amber-800" : "text-slate-900"}`}>{formatRate(rate)}</span> attendance
                <span className="text-slate-600">
                  {" "}
                  · {mine!.counts.present} present, {mine!.counts.late} late, {mine!.counts.absent} absent
                </span>
              </p>
              <div className="mt-2 h-2 overflow-hidden rounded-full bg-slate-200" aria-hidden="true">
                <div className={`h-full rounded-full ${mine?.atRisk ? "bg-amber-500" : "bg-emerald-500"}`} style={{ width: `${Math.round(rate * 100)}%` }} />
              </div>
            </div>
          )
        ) : status === "pending" ? (
          <p className="text-sm text-slate-700">Your teacher will approve your request; you can check in after that.</p>
        ) : null}
        {status === "approved" ? (
          <Link href={href} className="mt-auto text-sm font-semibold text-brand-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600">
            Your sessions<span className="sr-only"> in {course.name}</span> →
          </Link>
        ) : null}
      </Card>
    </li>
  );
}
