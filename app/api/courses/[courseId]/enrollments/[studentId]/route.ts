import { json, methods, readJson, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { enrollmentStatusSchema, setEnrollmentStatus } from "@/lib/courses/enrollment";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  PATCH: route<{ courseId: string; studentId: string }>(async (req, { courseId, studentId }) => {
    const user = await requireUser(req);
    const input = await readJson(req, enrollmentStatusSchema);
    return json({ enrollment: await setEnrollmentStatus(user, courseId, studentId, input) });
  }),
});
