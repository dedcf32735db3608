import { json, readJson, route } from "@/lib/api/route";
import { registerSchema, registerUser } from "@/lib/auth/users";

export const POST = route(async (req) => {
  const input = await readJson(req, registerSchema);
  const user = await registerUser(input);
  return json({ user }, 201);
});
