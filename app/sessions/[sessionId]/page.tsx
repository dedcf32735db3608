import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { NotStaff } from "@/components/session/not-staff";
import { SessionConsole } from "@/components/session/session-console";
import { loadConsolePage } from "@/lib/attendance/view";
import { requirePageUser } from "@/lib/auth/page";
import { getEnv } from "@/lib/env";

type Props = { params: Promise<{ sessionId: string }> };

export const metadata: Metadata = { title: "Live session" };

export default async function SessionPage({ params }: Props) {
  const { sessionId } = await params;
  const user = await requirePageUser(`/sessions/${encodeURIComponent(sessionId)}`);
  const page = await loadConsolePage(user, sessionId);
  if (!page.ok) return "notFound" in page ? notFound() : <NotStaff role={page.role} />;
  // Keyed by session so moving between sessions starts a fresh console.
  return <SessionConsole key={sessionId} initial={page.view} appHost={new URL(getEnv().APP_URL).host} />;
}
