"use server";

import { headers } from "next/headers";
import { signInClient } from "@/lib/api/sign-in";
import { signInWaitSeconds as waitSeconds } from "@/lib/auth/users";

/**
 * next-auth hands the browser only the error code, so after `rate_limited` the
 * form asks how long to wait: for this browser as the sign-in saw it (its
 * address, device and trust). Consumes nothing.
 */
export async function signInWaitSeconds(email: unknown): Promise<number | null> {
  if (typeof email !== "string" || email.length > 254) return null;
  return waitSeconds(email, signInClient(await headers()));
}
