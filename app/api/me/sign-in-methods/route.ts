import { json, methods, route } from "@/lib/api/route";
import { signInMethods } from "@/lib/auth/account";
import { requireUser } from "@/lib/auth/current-user";
import { getEnv } from "@/lib/env";

/** How the caller can sign in: `{ password, identities: [{ id, provider, providerName, email, linkedAt }] }`. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: route(async (req) => {
    const user = await requireUser(req);
    return json(await signInMethods(user.id, getEnv().SSO));
  }),
});
