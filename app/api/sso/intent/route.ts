import { z } from "zod";
import { isSecureRequest, ssoIntentCookie } from "@/lib/api/cookies";
import { json, methods, readJson, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { now } from "@/lib/clock";

const intentSchema = z.discriminatedUnion("purpose", [
  z.object({ purpose: z.literal("link") }),
  z.object({ purpose: z.literal("signup"), kind: z.enum(["student", "teacher"]) }),
]);

/**
 * What the person asks for before leaving for a provider (SPEC §13): to link it to the account signed in
 * here (the account page), or the account kind chosen on the sign-up page. Kept in a signed cookie for
 * ten minutes and read once at the provider's callback.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route(async (req, _params, response) => {
    const input = await readJson(req, intentSchema);
    const intent = input.purpose === "link" ? { purpose: "link" as const, userId: (await requireUser(req)).id } : input;
    response.setCookie(ssoIntentCookie(intent, isSecureRequest(req), now()));
    return json({ ok: true });
  }),
});
