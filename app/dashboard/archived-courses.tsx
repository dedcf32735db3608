import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import type { CourseListItem } from "@/lib/courses/courses";
import { courseLabel } from "@/lib/model/course";
import { isStaff, STAFF_ROLE_LABEL } from "@/lib/model/vocabulary";

/**
 * Archived courses stay out of the way behind a toggle (SPEC §9, §12): a
 * native <details>, so it works before any script and with the keyboard.
 */
export function ArchivedCourses({ courses }: { courses: CourseListItem[] }) {
  return (
    <details className="group rounded-xl border border-slate-200 bg-white p-5" data-testid="archived-courses">
      <summary className="cursor-pointer font-semibold text-slate-800">
        <span className="group-open:hidden">Show archived courses</span>
        <span className="hidden group-open:inline">Archived courses</span> <span className="font-normal text-slate-600">({courses.length})</span>
      </summary>
      <ul className="mt-4 divide-y divide-slate-100">
        {courses.map((c) => (
          <li key={c.id} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-3">
            <div className="min-w-0">
              {isStaff(c.role) ? (
                <Link href={`/courses/${c.id}`} className="font-medium text-brand-700 hover:underline">
                  {courseLabel(c)}
                </Link>
              ) : (
                <span className="font-medium text-slate-900">{courseLabel(c)}</span>
              )}
              <p className="text-sm text-slate-600">{[c.term, isStaff(c.role) ? STAFF_ROLE_LABEL[c.role] : "Student"].filter(Boolean).join(" · ")}</p>
            </div>
            {c.archivedAt ? (
              <p className="text-sm text-slate-600">
                Archived <LocalTime iso={c.archivedAt} format="date" />
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </details>
  );
}
