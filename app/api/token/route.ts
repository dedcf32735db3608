import { isSecureRequest } from "@/lib/api/cookies";
import { json, methods, readJson, route } from "@/lib/api/route";
import { signedInCookies, signInClient } from "@/lib/api/sign-in";
import { issueToken } from "@/lib/auth/tokens";
import { credentialsSchema, verifyCredentials } from "@/lib/auth/users";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route(async (req, _params, response) => {
    const { email, password } = await readJson(req, credentialsSchema);
    const client = signInClient(req.headers);
    const user = await verifyCredentials(email, password, client);
    for (const c of signedInCookies(user.id, client, isSecureRequest(req))) response.setCookie(c);
    const { token, expiresAt } = await issueToken(user);
    return json({ token, expiresAt, user });
  }),
});
