import type { Metadata } from "next";
import { NotStaff } from "@/components/session/not-staff";
import { SessionConsole } from "@/components/session/session-console";
import { loadStaffPage } from "@/components/session/staff-view";
import { requirePageUser } from "@/lib/auth/page";

type Props = { params: Promise<{ sessionId: string }> };

export const metadata: Metadata = { title: "Live session" };

export default async function SessionPage({ params }: Props) {
  const { sessionId } = await params;
  const user = await requirePageUser(`/sessions/${encodeURIComponent(sessionId)}`);
  const page = loadStaffPage(user, sessionId);
  if (!page.ok) return <NotStaff role={page.role} />;
  // Keyed by session so moving between sessions starts a fresh console.
  return <SessionConsole key={sessionId} initial={page.view} appHost={page.appHost} />;
}
