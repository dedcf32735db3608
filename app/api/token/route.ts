import { requestAddress } from "@/lib/api/client-address";
import { json, readJson, route } from "@/lib/api/route";
import { issueToken } from "@/lib/auth/tokens";
import { credentialsSchema, verifyCredentials } from "@/lib/auth/users";

export const POST = route(async (req) => {
  const { email, password } = await readJson(req, credentialsSchema);
  const user = await verifyCredentials(email, password, requestAddress(req.headers));
  const { token, expiresAt } = await issueToken(user);
  return json({ token, expiresAt, user });
});
