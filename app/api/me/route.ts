import { json, methods, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route(async (req) => json({ user: await requireUser(req) })),
});
