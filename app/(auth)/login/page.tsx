import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeCallbackUrl, withCallback } from "@/lib/auth/callback-url";
import { getPageUser } from "@/lib/auth/page";
import { ssoProviderList } from "@/lib/auth/sso-providers";
import { getEnv } from "@/lib/env";
import { isSsoError, ssoErrorPath } from "@/lib/model/sso";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function LoginPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  // next-auth sends some failed single sign-ons here with `error`: they have their own page.
  const error = Array.isArray(params.error) ? params.error[0] : params.error;
  if (error) redirect(ssoErrorPath(isSsoError(error) ? error : "Callback", { callbackUrl }));
  if (await getPageUser()) redirect(callbackUrl);
  return (
    <LoginForm
      callbackUrl={callbackUrl}
      registerHref={withCallback("/register", callbackUrl)}
      purpose={purposeOf(callbackUrl)}
      providers={ssoProviderList(getEnv().SSO)}
    />
  );
}

/** A line above the form when sign-in interrupts something the visitor was doing. */
function purposeOf(callbackUrl: string): string | null {
  if (callbackUrl.startsWith("/join")) return "Sign in to finish checking in.";
  if (callbackUrl.startsWith("/enroll/")) return "Sign in to enroll in the course.";
  return null;
}
