import { json, methods, readJson, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { addStaff, addStaffSchema, listStaff } from "@/lib/courses/staff";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    return json({ staff: await listStaff(user, courseId) });
  }),
  POST: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    const input = await readJson(req, addStaffSchema);
    const { member, created } = await addStaff(user, courseId, input);
    return json({ member }, created ? 201 : 200);
  }),
});
