import { json, methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { parseRecordsQuery } from "@/lib/records/range";
import { courseReport } from "@/lib/records/report";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    const range = parseRecordsQuery(new URL(req.url).searchParams);
    return json(await courseReport(user, courseId, range));
  }),
});
