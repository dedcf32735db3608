import { signInClient } from "@/lib/api/sign-in";
import { json, methods, readJson, route } from "@/lib/api/route";
import { passwordSchema, setPassword } from "@/lib/auth/account";
import { authenticateSession } from "@/lib/auth/current-user";
import { AppError } from "@/lib/errors";

/** Sets a first password (after a recent sign-in) or changes it (with the current one): `{ currentPassword?, newPassword }`. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route(async (req) => {
    const session = await authenticateSession({ authorization: req.headers.get("authorization"), cookie: req.headers.get("cookie") });
    if (!session) throw new AppError("unauthenticated");
    const input = await readJson(req, passwordSchema);
    const { changed } = await setPassword(session.user, input, { signedInAt: session.signedInAt, client: signInClient(req.headers) });
    return json({ ok: true, changed });
  }),
});
