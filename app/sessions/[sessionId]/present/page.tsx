import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { NotStaff } from "@/components/session/not-staff";
import { Projector } from "@/components/session/projector";
import { loadConsolePage } from "@/lib/attendance/view";
import { requirePageUser } from "@/lib/auth/page";
import { getEnv, phoneReach } from "@/lib/env";

type Props = { params: Promise<{ sessionId: string }> };

export const metadata: Metadata = { title: "Projector" };

export default async function PresentPage({ params }: Props) {
  const { sessionId } = await params;
  const user = await requirePageUser(`/sessions/${encodeURIComponent(sessionId)}/present`);
  const page = await loadConsolePage(user, sessionId);
  if (!page.ok) return "notFound" in page ? notFound() : <NotStaff role={page.role} />;
  // Nothing here shows names; the first render skips the roster it does not need.
  const view = { ...page.view, roster: [], flagged: [] };
  return <Projector key={sessionId} initial={view} reach={phoneReach(getEnv())} />;
}
