import { json, methods, readJson, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { enroll, enrollSchema } from "@/lib/courses/enrollment";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route(async (req) => {
    const user = await requireUser(req);
    const { code } = await readJson(req, enrollSchema);
    const result = await enroll(user, code);
    return json({ enrollment: result.enrollment, course: result.course }, result.created ? 201 : 200);
  }),
});
