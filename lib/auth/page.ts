import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { authenticate } from "./current-user";
import type { PublicUser } from "../model/vocabulary";

/** The signed-in user for a server component, through the same check as the API. */
export async function getPageUser(): Promise<PublicUser | null> {
  const [c, h] = await Promise.all([cookies(), headers()]);
  return authenticate({ cookie: c.toString(), authorization: h.get("authorization") });
}

/** Sends a signed-out visitor to /login and back to `path` afterwards. */
export async function requirePageUser(path: string): Promise<PublicUser> {
  const user = await getPageUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
  return user;
}
