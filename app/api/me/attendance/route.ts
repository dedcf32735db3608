import { json, methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { myAttendance } from "@/lib/records/student";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route(async (req) => {
    const user = await requireUser(req);
    return json({ courses: await myAttendance(user) });
  }),
});
