import { csvResponse } from "@/lib/api/csv";
import { route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { sessionCsv } from "@/lib/records/csv";

export const GET = route<{ sessionId: string }>(async (req, { sessionId }) => {
  const user = await requireUser(req);
  return csvResponse(await sessionCsv(user, sessionId));
});
