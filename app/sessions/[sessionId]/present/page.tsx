import type { Metadata } from "next";
import { NotStaff } from "@/components/session/not-staff";
import { Projector } from "@/components/session/projector";
import { loadStaffPage } from "@/components/session/staff-view";
import { requirePageUser } from "@/lib/auth/page";

type Props = { params: Promise<{ sessionId: string }> };

export const metadata: Metadata = { title: "Projector" };

export default async function PresentPage({ params }: Props) {
  const { sessionId } = await params;
  const user = await requirePageUser(`/sessions/${encodeURIComponent(sessionId)}/present`);
  const page = loadStaffPage(user, sessionId);
  if (!page.ok) return <NotStaff role={page.role} />;
  // Nothing here shows names; the first render skips the roster it does not need.
  const view = { ...page.view, roster: [], flagged: [] };
  return <Projector key={sessionId} initial={view} appHost={page.appHost} />;
}
