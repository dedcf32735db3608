import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { NotStaff } from "@/components/session/not-staff";
import { SessionConsole } from "@/components/session/session-console";
import { loadConsolePage, sessionAccess } from "@/lib/attendance/view";
import { isStaff } from "@/lib/model/vocabulary";
import { getPageUser, requirePageUser } from "@/lib/auth/page";
import { sessionAudit } from "@/lib/records/audit-trail";
import { getEnv, phoneReach } from "@/lib/env";
import { courseStudents } from "@/lib/courses/enrollment";

type Props = { params: Promise<{ sessionId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  // The title alone; access is checked by the page itself.
  const { sessionId } = await params;
  const user = await getPageUser();
  const access = user ? await sessionAccess(user, sessionId).catch(() => null) : null;
  return { title: access && isStaff(access.role) && access.session.status === "ended" ? "Session review" : "Live session" };
}

export default async function SessionPage({ params }: Props) {
  const { sessionId } = await params;
  const user = await requirePageUser(`/sessions/${encodeURIComponent(sessionId)}`);
  const page = await loadConsolePage(user, sessionId);
  if (!page.ok) return "notFound" in page ? notFound() : <NotStaff role={page.role} />;
  // After the end, the console is the review page: final roster, marks still changeable, the audit trail, export.
  const audit = page.view.session.status === "ended" ? await sessionAudit(user, sessionId) : null;
  const details = namesakes(await courseStudents(page.view.session.courseId));
  // Keyed by session so moving between sessions starts a fresh console.
  return <SessionConsole key={sessionId} initial={page.view} audit={audit} reach={phoneReach(getEnv())} details={details} />;
}

/** E-mails of the students who share a name with another (accents and case aside): the console's second line. */
function namesakes(students: { id: string; name: string; email: string }[]): Record<string, string> {
  const byName = new Map<string, { id: string; email: string }[]>();
  for (const s of students) {
    const key = s.name.normalize("NFD").replace(/\p{M}+/gu, "").trim().toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), s]);
  }
  const out: Record<string, string> = {};
  for (const group of byName.values()) if (group.length > 1) for (const s of group) out[s.id] = s.email;
  return out;
}
