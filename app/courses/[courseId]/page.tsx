import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import QRCode from "qrcode";
import { AppHeader } from "@/components/app-header";
import { CopyButton } from "@/components/copy-button";
import { LiveRefresh } from "@/components/live-refresh";
import { LocalTime } from "@/components/local-time";
import { SessionTitle } from "@/components/session-title";
import { StartSessionPanel } from "@/components/start-session";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { listCourseSessions } from "@/lib/attendance/history";
import { getPageUser, requirePageUser } from "@/lib/auth/page";
import { courseAccess } from "@/lib/courses/access";
import { enrollUrl } from "@/lib/courses/courses";
import { courseStudents } from "@/lib/courses/enrollment";
import { isStaff } from "@/lib/model/vocabulary";
import { Roster } from "./roster";

type Props = { params: Promise<{ courseId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  // The title alone; access is checked by the page itself.
  const { courseId } = await params;
  const user = await getPageUser();
  const access = user ? await courseAccess(user.id, courseId) : null;
  return { title: access && isStaff(access.role) ? access.course.name : "Course" };
}

export default async function CoursePage({ params }: Props) {
  const { courseId } = await params;
  const user = await requirePageUser(`/courses/${encodeURIComponent(courseId)}`);
  const access = await courseAccess(user.id, courseId);
  if (!access) notFound();

  if (!isStaff(access.role)) {
    return (
      <>
        <AppHeader user={user} />
        <main id="main" className="mx-auto max-w-xl px-4 py-16 text-center sm:px-6">
          <p className="text-sm font-semibold uppercase tracking-wide text-slate-600">403</p>
          <h1 className="mt-2 text-2xl font-bold">This page is for the course&apos;s teachers</h1>
          <p className="mt-3 text-slate-700">Only the teachers of a course can see its roster and history. Your own attendance is on your dashboard.</p>
          <Link href="/dashboard" className={buttonClass("primary", "md", "mt-6")}>
            Go to your dashboard
          </Link>
        </main>
      </>
    );
  }

  const { course } = access;
  const url = enrollUrl(course.enrollCode);
  const [qrSvg, students, sessions] = await Promise.all([
    QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "M" }),
    courseStudents(courseId),
    listCourseSessions(user, courseId),
  ]);
  const active = sessions.find((s) => s.status === "active");
  const approved = students.filter((s) => s.status === "approved").length;

  return (
    <>
      <AppHeader user={user} />
      <LiveRefresh events={["enrollment:requested", "enrollment:updated"]} courseIds={[courseId]} />
      <main id="main" className="mx-auto flex max-w-5xl flex-col gap-8 px-4 py-6 sm:px-6 sm:py-10">
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
            {access.role === "ta" ? <span className="rounded-full bg-slate-100 px-3 py-1 text-sm font-medium text-slate-700">Teaching assistant</span> : null}
          </div>
        </div>

        <div className="grid gap-6 lg:grid-cols-5">
          <div className="flex flex-col gap-6 lg:col-span-3">
            <Card>
              <h2 className="text-lg font-semibold">Take attendance</h2>
              {active ? (
                <div className="mt-3 flex flex-wrap items-center justify-between gap-3 rounded-lg bg-emerald-50 px-4 py-3">
                  <p className="text-emerald-900">
                    <span className="font-semibold">
                      <SessionTitle title={active.title} startedAt={active.startedAt} />
                    </span>{" "}
                    is running · {active.counts.present + active.counts.late} of {active.counts.total} checked in
                  </p>
                  <Link href={`/sessions/${active.id}`} className={buttonClass("primary")}>
                    Open console
                  </Link>
                </div>
              ) : (
                <div className="mt-3">
                  <p className="mb-4 text-slate-700">
                    Starts with this course&apos;s defaults: late after {course.lateAfterMinutes} min, QR changes every {course.rotationSeconds} s.
                  </p>
                  <StartSessionPanel
                    courseId={courseId}
                    defaults={{
                      lateAfterMinutes: course.lateAfterMinutes,
                      closeAfterMinutes: course.closeAfterMinutes,
                      rotationSeconds: course.rotationSeconds,
                      codeRotationSeconds: course.codeRotationSeconds,
                    }}
                  />
                </div>
              )}
            </Card>

            <Card>
              <h2 className="text-lg font-semibold">Sessions</h2>
              {sessions.length === 0 ? (
                <p className="mt-3 text-slate-700">No sessions yet.</p>
              ) : (
                <div className="-mx-5 mt-3 overflow-x-auto">
                  <table className="w-full min-w-[32rem] text-left text-sm">
                    <thead className="border-b border-slate-200 text-slate-600">
                      <tr>
                        <th scope="col" className="px-5 py-2 font-medium">Session</th>
                        <th scope="col" className="px-3 py-2 font-medium">Status</th>
                        <th scope="col" className="px-3 py-2 text-right font-medium">Present</th>
                        <th scope="col" className="px-3 py-2 text-right font-medium">Late</th>
                        <th scope="col" className="px-3 py-2 text-right font-medium">Absent</th>
                        <th scope="col" className="px-5 py-2 text-right font-medium">Students</th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100">
                      {sessions.map((s) => (
                        <tr key={s.id}>
                          <td className="px-5 py-2.5">
                            <Link href={`/sessions/${s.id}`} className="font-medium text-brand-700 hover:underline">
                              <SessionTitle title={s.title} startedAt={s.startedAt} />
                            </Link>
                            {s.title === null ? null : (
                              <span className="block text-slate-600">
                                <LocalTime iso={s.startedAt} />
                              </span>
                            )}
                          </td>
                          <td className="px-3 py-2.5">
                            {s.status === "active" ? (
                              <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800">Live</span>
                            ) : (
                              <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-semibold text-slate-700">Ended</span>
                            )}
                          </td>
                          <td className="px-3 py-2.5 text-right tabular-nums">{s.counts.present}</td>
                          <td className="px-3 py-2.5 text-right tabular-nums">{s.counts.late}</td>
                          <td className="px-3 py-2.5 text-right tabular-nums">{s.counts.absent}</td>
                          <td className="px-5 py-2.5 text-right tabular-nums">{s.counts.total}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Card>
          </div>

          <Card className="flex flex-col items-center gap-3 self-start text-center lg:col-span-2">
            <h2 className="self-start text-lg font-semibold">Enroll students</h2>
            <p className="self-start text-left text-sm text-slate-700">Students scan the QR code or enter the code on their dashboard.</p>
            <p className="font-mono text-4xl font-bold tracking-[0.2em] text-slate-900 sm:text-5xl" data-testid="course-enroll-code">
              {course.enrollCode}
            </p>
            <div
              role="img"
              aria-label={`QR code linking to ${url}`}
              className="w-full max-w-[16rem] rounded-lg border border-slate-200 bg-white p-2 [&>svg]:h-auto [&>svg]:w-full"
              dangerouslySetInnerHTML={{ __html: qrSvg }}
            />
            <p className="w-full break-all rounded-md bg-slate-100 px-3 py-2 font-mono text-xs text-slate-700">{url}</p>
            <CopyButton value={url} />
          </Card>
        </div>

        <Card>
          <h2 className="text-lg font-semibold">Students</h2>
          <div className="mt-3">
            <Roster courseId={courseId} students={students} />
          </div>
        </Card>
      </main>
    </>
  );
}
