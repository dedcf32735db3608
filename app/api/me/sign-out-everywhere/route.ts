import { isSecureRequest } from "@/lib/api/cookies";
import { json, methods, route } from "@/lib/api/route";
import { signOutEverywhere } from "@/lib/auth/account";
import { requireUser, SESSION_COOKIES } from "@/lib/auth/current-user";

/** Ends every session and token of the account, this browser's included; its open sockets close. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route(async (req, _params, response) => {
    const user = await requireUser(req);
    await signOutEverywhere(user);
    const secure = isSecureRequest(req);
    for (const name of SESSION_COOKIES) {
      if (name.startsWith("__Secure-") && !secure) continue;
      response.setCookie(`${name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`);
    }
    return json({ ok: true });
  }),
});
