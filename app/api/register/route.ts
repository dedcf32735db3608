import { requestAddress } from "@/lib/api/client-address";
import { json, methods, readJson, route } from "@/lib/api/route";
import { admitRegistration } from "@/lib/auth/register-limits";
import { registerSchema, registerUser } from "@/lib/auth/users";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route(async (req) => {
    const input = await readJson(req, registerSchema);
    await admitRegistration(requestAddress(req.headers));
    const user = await registerUser(input);
    return json({ user }, 201);
  }),
});
