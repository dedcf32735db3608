import type { PublicUser } from "../model/vocabulary";
import { requireStaff } from "../courses/access";
import { getCounts } from "./counts";
import { courseSessions, sessionDto } from "./sessions";

/** A course's sessions, newest first, each with its counts (staff only). */
export async function listCourseSessions(actor: PublicUser, courseId: string) {
  const { course } = await requireStaff(actor.id, courseId);
  const sessions = await courseSessions(courseId);
  return Promise.all(sessions.map(async (s) => ({ ...sessionDto(s, course), counts: await getCounts(s.id, courseId) })));
}
