import { json, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { getCounts } from "@/lib/attendance/queries";
import { sessionView } from "@/lib/attendance/view";

export const GET = route<{ sessionId: string }>(async (req, { sessionId }) => {
  const user = await requireUser(req);
  const view = sessionView(user, sessionId);
  if (view.role === "student") {
    return json({ session: view.session, counts: getCounts(sessionId, view.session.courseId), me: view.me });
  }
  const { session, counts, roster, flagged } = view;
  return json({ session, counts, roster, flagged });
});
