import Link from "next/link";
import QRCode from "qrcode";
import { CopyButton } from "@/components/copy-button";
import { SessionLink, SessionStatusBadge, SessionTitle } from "@/components/session-title";
import { StartSessionPanel } from "@/components/start-session";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { courseStudents } from "@/lib/courses/enrollment";
import { staffHistory } from "@/lib/records/history";
import { ALL_DATES } from "@/lib/records/range";
import { Roster } from "../roster";
import { tabHref, type CourseTabProps } from "../tabs";

/** The default tab: take attendance, the sessions so far, the enroll code and the students. */
export async function OverviewTab({ courseId, course }: CourseTabProps) {
  const url = course.enrollUrl;
  const [qrSvg, students, sessions] = await Promise.all([
    QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "M" }),
    courseStudents(courseId),
    staffHistory(course, ALL_DATES),
  ]);
  const active = sessions.find((s) => s.status === "active");
  // The whole class list lives on the Students tab; here, only who waits for a decision.
  const pending = students.filter((s) => s.status === "pending");
  const enrolled = students.filter((s) => s.status === "approved").length;

  return (
    <>
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
            ) : course.archivedAt ? (
              <p className="mt-3 text-slate-700">This course is archived, so it starts no sessions. Restoring it (Settings) makes that possible again.</p>
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
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 className="text-lg font-semibold">Recent sessions</h2>
              {sessions.length > 0 ? (
                <Link href={`/courses/${encodeURIComponent(courseId)}?tab=sessions`} className="text-sm font-semibold text-brand-700 hover:underline">
                  All {sessions.length} session{sessions.length === 1 ? "" : "s"} and rates →
                </Link>
              ) : null}
            </div>
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
                    {sessions.slice(0, 5).map((s) => (
                      <tr key={s.id}>
                        <td className="px-5 py-2.5">
                          <SessionLink id={s.id} title={s.title} startedAt={s.startedAt} />
                        </td>
                        <td className="px-3 py-2.5">
                          <SessionStatusBadge status={s.status} />
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
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="text-lg font-semibold">Students</h2>
          <Link href={tabHref(courseId, "students")} className="text-sm font-semibold text-brand-700 hover:underline">
            All students, class list import and invitations →
          </Link>
        </div>
        <p className="mt-1 text-sm text-slate-600">
          {enrolled} enrolled{pending.length ? ` · ${pending.length} waiting for approval` : ""}
        </p>
        {pending.length > 0 ? (
          <div className="mt-3">
            <Roster courseId={courseId} students={pending} />
          </div>
        ) : enrolled === 0 ? (
          <p className="mt-3 text-slate-700">No students yet. Share the enroll code or the QR code, or import a class list.</p>
        ) : null}
      </Card>
    </>
  );
}
