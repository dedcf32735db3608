import { json, methods, readJson, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { createCourse, createCourseSchema, listCourses } from "@/lib/courses/courses";
import { AppError } from "@/lib/errors";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route(async (req) => {
    const user = await requireUser(req);
    const archived = new URL(req.url).searchParams.get("archived");
    if (archived !== null && archived !== "true" && archived !== "false") throw new AppError("invalid_input", "archived is true or false.");
    return json({ courses: await listCourses(user, { archived: archived === "true" }) });
  }),
  POST: route(async (req) => {
    const user = await requireUser(req);
    if (user.kind !== "teacher") throw new AppError("forbidden", "Only teachers can create courses.");
    const input = await readJson(req, createCourseSchema);
    return json({ course: await createCourse(user, input) }, 201);
  }),
});
