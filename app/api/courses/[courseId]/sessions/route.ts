import { json, readJson, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { listCourseSessions, startSession, startSessionSchema } from "@/lib/attendance/lifecycle";

export const GET = route<{ courseId: string }>(async (req, { courseId }) => {
  const user = await requireUser(req);
  return json({ sessions: listCourseSessions(user, courseId) });
});

export const POST = route<{ courseId: string }>(async (req, { courseId }) => {
  const user = await requireUser(req);
  const input = await readJson(req, startSessionSchema);
  return json({ session: startSession(user, courseId, input) }, 201);
});
