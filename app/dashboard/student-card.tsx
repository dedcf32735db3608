import { Card } from "@/components/ui/card";
import type { CourseListItem } from "@/lib/courses/courses";
import type { StudentCourseSummary } from "@/lib/courses/student-summary";
import { EnrollmentStatusChip } from "@/components/enrollment-status";
import type { EnrollmentStatus } from "@/lib/model/vocabulary";


/** A course the user takes: enrollment status and their own attendance rate. */
export function StudentCard({ course, summary }: { course: CourseListItem; summary: StudentCourseSummary | undefined }) {
  const status: EnrollmentStatus = course.role === "student" ? "approved" : (course.enrollmentStatus ?? "pending");

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
          <EnrollmentStatusChip status={status} className="shrink-0" />
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
