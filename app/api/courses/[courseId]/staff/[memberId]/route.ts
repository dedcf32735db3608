import { json, methods, readJson, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { removeStaff, setStaffRole, staffRoleSchema } from "@/lib/courses/staff";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  PATCH: route<{ courseId: string; memberId: string }>(async (req, { courseId, memberId }) => {
    const user = await requireUser(req);
    const { role } = await readJson(req, staffRoleSchema);
    return json({ member: await setStaffRole(user, courseId, memberId, role) });
  }),
  DELETE: route<{ courseId: string; memberId: string }>(async (req, { courseId, memberId }) => {
    const user = await requireUser(req);
    await removeStaff(user, courseId, memberId);
    return json({ ok: true });
  }),
});
