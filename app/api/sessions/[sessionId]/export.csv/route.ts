import { csvResponse } from "@/lib/api/csv";
import { methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { sessionCsv } from "@/lib/records/csv";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route<{ sessionId: string }>(async (req, { sessionId }) => {
    const user = await requireUser(req);
    return csvResponse(await sessionCsv(user, sessionId));
  }),
});
