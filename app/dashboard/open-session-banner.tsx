import { LocalTime } from "@/components/local-time";
import type { CourseListItem } from "@/lib/courses/courses";
import type { StudentCourseSummary } from "@/lib/courses/student-summary";
import { courseLabel } from "@/lib/model/course";

/** The student's call to action while a session of their course is open. */
export function OpenSessionBanner({ course, summary }: { course: CourseListItem; summary: StudentCourseSummary }) {
  const s = summary.openSession!;
  const done = s.myStatus === "present" || s.myStatus === "late" || s.myStatus === "excused";
  return (
    <section aria-label={`Attendance open for ${courseLabel(course)}`} className="rounded-2xl bg-brand-700 p-5 text-white shadow-md sm:p-6">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-100">Attendance is open</p>
      <h2 className="mt-1 text-xl font-bold sm:text-2xl">{courseLabel(course)}</h2>
      <p className="text-brand-100">
        {s.title ?? (
          <>
            Started <LocalTime iso={s.startedAt} format="time" />
          </>
        )}
      </p>
      {done ? (
        <p className="mt-4 inline-flex items-center gap-2 rounded-lg bg-white/15 px-4 py-3 font-semibold">
          <span aria-hidden="true">✓</span>
          {s.myStatus === "late" ? "You're checked in (late)." : s.myStatus === "excused" ? "You're excused for this session." : "You're checked in."}
        </p>
      ) : (
        // A full page load: only the join page may use the camera (Permissions-Policy), and it is a Pages Router page.
        // eslint-disable-next-line @next/next/no-html-link-for-pages
        <a
          href="/join"
          className="mt-4 flex w-full items-center justify-center rounded-xl bg-white px-6 py-4 text-lg font-bold text-brand-700 shadow hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white sm:w-auto sm:inline-flex"
        >
          Check in
        </a>
      )}
    </section>
  );
}
