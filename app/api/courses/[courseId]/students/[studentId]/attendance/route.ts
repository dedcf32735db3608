import { json, methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { parseRecordsQuery } from "@/lib/records/range";
import { studentAttendance } from "@/lib/records/student";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route<{ courseId: string; studentId: string }>(async (req, { courseId, studentId }) => {
    const user = await requireUser(req);
    const range = parseRecordsQuery(new URL(req.url).searchParams);
    return json(await studentAttendance(user, courseId, studentId, range));
  }),
});
