import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AppHeader } from "@/components/app-header";
import { LiveRefresh } from "@/components/live-refresh";
import { LocalTime } from "@/components/local-time";
import { getPageUser, requirePageUser } from "@/lib/auth/page";
import { courseAccess } from "@/lib/courses/access";
import { courseDto } from "@/lib/courses/courses";
import { can } from "@/lib/courses/permissions";
import { enrollmentCounts } from "@/lib/courses/enrollment";
import { isStaff, STAFF_ROLE_LABEL } from "@/lib/model/vocabulary";
import { StudentCourseView } from "./student-view";
import { TabNav } from "./tab-nav";
import { selectTab, tabHref, visibleTabs, type CourseTabProps, type SearchParams } from "./tabs";

type Props = { params: Promise<{ courseId: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  // The title alone; access is checked by the page itself.
  const [{ courseId }, query] = await Promise.all([params, searchParams]);
  const user = await getPageUser();
  const access = user ? await courseAccess(user.id, courseId) : null;
  if (!access || !isStaff(access.role)) return { title: "Course" };
  const tab = selectTab(access.role, query.tab);
  return { title: tab.id === "overview" ? access.course.name : `${tab.label} · ${access.course.name}` };
}

export default async function CoursePage({ params, searchParams }: Props) {
  const [{ courseId }, query] = await Promise.all([params, searchParams]);
  const user = await requirePageUser(`/courses/${encodeURIComponent(courseId)}`);
  const access = await courseAccess(user.id, courseId);
  if (!access) notFound();

  if (!isStaff(access.role)) return <StudentCourseView user={user} access={access} />;

  const role = access.role;
  const course = courseDto(access.course, role) as CourseTabProps["course"];
  const tabs = visibleTabs(role);
  const tab = selectTab(role, query.tab);
  const approved = (await enrollmentCounts([courseId])).get(courseId)?.approved ?? 0;

  return (
    <>
      <AppHeader user={user} />
      {/* Staff pages follow the course as it changes (SPEC §9 course:watch): requests, approvals, imports, staff, settings, the enroll code, sessions. */}
      <LiveRefresh events={["enrollment:requested", "enrollment:updated", "course:updated", "session:started", "session:ended"]} courseIds={[courseId]} />
      <main id="main" className="mx-auto flex max-w-5xl flex-col gap-8 px-4 py-6 sm:px-6 sm:py-10">
        <div className="flex flex-col gap-5">
          <div>
            <Link href="/dashboard" className="text-sm font-medium text-brand-700 hover:underline">
              ← Dashboard
            </Link>
            <div className="mt-2 flex flex-wrap items-end justify-between gap-4">
              <div>
                {course.code ? <p className="text-sm font-semibold text-brand-700">{course.code}</p> : null}
                <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">{course.name}</h1>
                <p className="mt-1 text-slate-600">
                  {[course.term, `${approved} student${approved === 1 ? "" : "s"}`, course.autoApprove ? "students approved automatically" : "you approve each student"]
                    .filter(Boolean)
                    .join(" · ")}
                </p>
              </div>
              {role === "ta" ? <span className="rounded-full bg-slate-100 px-3 py-1 text-sm font-medium text-slate-700">{STAFF_ROLE_LABEL.ta}</span> : null}
            </div>
          </div>
          {course.archivedAt ? (
            <div role="status" className="rounded-lg border border-slate-300 bg-slate-100 px-4 py-3 text-sm text-slate-800" data-testid="archived-banner">
              <span className="font-semibold">Archived on <LocalTime iso={course.archivedAt} format="date" />.</span> Every record stays readable and exportable; no new
              sessions or students. {can(role, "course.archive") ? (
                <Link href={tabHref(courseId, "settings")} className="font-semibold text-brand-700 underline">
                  Restore it in Settings
                </Link>
              ) : (
                "An owner of the course can restore it."
              )}
            </div>
          ) : null}
          <TabNav courseId={courseId} tabs={tabs} current={tab.id} />
        </div>
        {tab.render({ user, courseId, course, role, searchParams: query })}
      </main>
    </>
  );
}
