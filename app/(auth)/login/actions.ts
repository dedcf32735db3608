"use server";

import { headers } from "next/headers";
import { loginBlockedFor } from "@/lib/auth/login-limits";
import { emailKey } from "@/lib/auth/users";

/**
 * next-auth hands the browser only the error code, so after `rate_limited` the
 * form asks how long to wait. Reads the limiter without consuming anything;
 * the address is the one the server already put in X-Forwarded-For.
 */
export async function signInWaitSeconds(email: unknown): Promise<number | null> {
  if (typeof email !== "string" || email.length > 254) return null;
  const fwd = (await headers()).get("x-forwarded-for");
  const ip = fwd ? fwd.split(",")[0].trim() : "unknown";
  return loginBlockedFor(emailKey(email), ip);
}
