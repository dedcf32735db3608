"use server";

import { headers } from "next/headers";
import { requestAddress } from "@/lib/api/client-address";
import { loginBlockedFor } from "@/lib/auth/login-limits";
import { emailKey } from "@/lib/auth/users";

/**
 * next-auth hands the browser only the error code, so after `rate_limited` the
 * form asks how long to wait. Reads the limiter without consuming anything;
 * the address follows the same rule as every request's.
 */
export async function signInWaitSeconds(email: unknown): Promise<number | null> {
  if (typeof email !== "string" || email.length > 254) return null;
  return loginBlockedFor(emailKey(email), requestAddress(await headers()));
}
