import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { AppHeader } from "@/components/app-header";
import { StudentRecords } from "@/components/records/student-records";
import { buttonClass } from "@/components/ui/button";
import { EnrollmentStatusChip } from "@/components/enrollment-status";
import { requirePageUser } from "@/lib/auth/page";
import { courseAccess } from "@/lib/courses/access";
import { can } from "@/lib/courses/permissions";
import { isAppError } from "@/lib/errors";
import { courseLabel } from "@/lib/model/course";
import { studentAttendance } from "@/lib/records/student";

type Props = { params: Promise<{ courseId: string; studentId: string }> };

export const metadata: Metadata = { title: "Student" };

/** One student of the course, for its staff (SPEC §12): rate, counts, every session, marks changeable. */
export default async function StudentPage({ params }: Props) {
  const { courseId, studentId } = await params;
  const user = await requirePageUser(`/courses/${encodeURIComponent(courseId)}/students/${encodeURIComponent(studentId)}`);
  const access = await courseAccess(user.id, courseId);
  if (!access) notFound();
  // A student looking at their own address is shown their own view of the course.
  if (!can(access.role, "history.view")) {
    if (user.id === studentId && can(access.role, "records.own")) redirect(`/courses/${encodeURIComponent(courseId)}`);
    return (
      <>
        <AppHeader user={user} />
        <main id="main" className="mx-auto max-w-xl px-4 py-16 text-center sm:px-6">
          <p className="text-sm font-semibold uppercase tracking-wide text-slate-600">403</p>
          <h1 className="mt-2 text-2xl font-bold">This page is for the course&apos;s teachers</h1>
          <p className="mt-3 text-slate-700">Only the teachers of a course can see a student&apos;s records. Your own attendance is on your dashboard.</p>
          <Link href="/dashboard" className={buttonClass("primary", "md", "mt-6")}>
            Go to your dashboard
          </Link>
        </main>
      </>
    );
  }
  let data;
  try {
    data = await studentAttendance(user, courseId, studentId);
  } catch (e) {
    if (isAppError(e) && e.code === "not_found") notFound();
    throw e;
  }
  const { student } = data;
  return (
    <>
      <AppHeader user={user} />
      <main id="main" className="mx-auto flex max-w-5xl flex-col gap-6 px-4 py-6 sm:px-6 sm:py-10">
        <div>
          <Link href={`/courses/${encodeURIComponent(courseId)}?tab=report`} className="text-sm font-medium text-brand-700 hover:underline">
            ← {courseLabel(access.course)} · report
          </Link>
          <div className="mt-2 flex flex-wrap items-end justify-between gap-3">
            <div className="min-w-0">
              <h1 className="truncate text-2xl font-bold tracking-tight sm:text-3xl">{student.name}</h1>
              <p className="mt-1 break-all text-slate-600">
                {student.email}
                {student.studentNumber ? <span className="text-slate-600"> · Student number {student.studentNumber}</span> : null}
              </p>
            </div>
            {student.enrollmentStatus && student.enrollmentStatus !== "approved" ? <EnrollmentStatusChip status={student.enrollmentStatus} /> : null}
          </div>
        </div>
        <StudentRecords courseId={courseId} studentId={studentId} initial={data} canMark={can(access.role, "attendance.mark")} />
      </main>
    </>
  );
}
