import { notFound } from "next/navigation";
import { isAppError } from "@/lib/api/errors";
import type { PublicUser } from "@/lib/auth/users";
import { isStaff } from "@/lib/courses/access";
import { sessionAccess, sessionView } from "@/lib/attendance/view";
import { getEnv } from "@/lib/env";
import type { StaffWatch } from "@/lib/realtime/events";

export type StaffPage = { ok: true; view: StaffWatch; appHost: string } | { ok: false; role: "student" | null };

/**
 * The first render of the console and the projector: the same view a
 * `session:watch` returns, read on the server so the page paints complete.
 * Unknown sessions are a 404; students and strangers get the 403 screen.
 */
export function loadStaffPage(user: PublicUser, sessionId: string): StaffPage {
  let role;
  try {
    role = sessionAccess(user, sessionId).role;
  } catch (e) {
    if (isAppError(e) && e.code === "not_found") notFound();
    throw e;
  }
  if (!isStaff(role)) return { ok: false, role: role === "student" ? "student" : null };
  const view = sessionView(user, sessionId) as StaffWatch;
  return { ok: true, view, appHost: new URL(getEnv().APP_URL).host };
}
