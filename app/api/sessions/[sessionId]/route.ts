import { json, methods, route } from "@/lib/api/route";
import { getCounts } from "@/lib/attendance/counts";
import { sessionView } from "@/lib/attendance/view";
import { requireUser } from "@/lib/auth/current-user";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route<{ sessionId: string }>(async (req, { sessionId }) => {
    const user = await requireUser(req);
    const view = await sessionView(user, sessionId);
    if (view.role === "student") {
      return json({ session: view.session, counts: await getCounts(sessionId, view.session.courseId), me: view.me });
    }
    const { session, counts, roster, flagged } = view;
    return json({ session, counts, roster, flagged });
  }),
});
