import { csvResponse } from "@/lib/api/csv";
import { methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { courseCsv } from "@/lib/records/csv";
import { parseRecordsQuery } from "@/lib/records/range";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    const query = parseRecordsQuery(new URL(req.url).searchParams);
    return csvResponse(await courseCsv(user, courseId, query));
  }),
});
