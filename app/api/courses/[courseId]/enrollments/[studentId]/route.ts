import { json, readJson, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { enrollmentStatusSchema, setEnrollmentStatus } from "@/lib/courses/enrollment";

export const PATCH = route<{ courseId: string; studentId: string }>(async (req, { courseId, studentId }) => {
  const user = await requireUser(req);
  const input = await readJson(req, enrollmentStatusSchema);
  return json({ enrollment: await setEnrollmentStatus(user, courseId, studentId, input) });
});
