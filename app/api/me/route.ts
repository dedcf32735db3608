import { json, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";

export const GET = route(async (req) => json({ user: await requireUser(req) }));
