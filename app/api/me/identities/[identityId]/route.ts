import { json, methods, route } from "@/lib/api/route";
import { signInMethods, unlinkIdentity } from "@/lib/auth/account";
import { requireUser } from "@/lib/auth/current-user";
import { getEnv } from "@/lib/env";

/** Unlinks one identity while another way to sign in remains (409 `last_sign_in_method` otherwise). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  DELETE: route<{ identityId: string }>(async (req, { identityId }) => {
    const user = await requireUser(req);
    await unlinkIdentity(user, identityId);
    return json(await signInMethods(user.id, getEnv().SSO));
  }),
});
