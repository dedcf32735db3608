import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeCallbackUrl, withCallback } from "@/lib/auth/callback-url";
import { getPageUser } from "@/lib/auth/page";
import { ssoProviderList } from "@/lib/auth/sso-providers";
import { getEnv } from "@/lib/env";
import { RegisterForm } from "./register-form";

export const metadata: Metadata = { title: "Create an account" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function RegisterPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getPageUser()) redirect(callbackUrl);
  return (
    <RegisterForm
      callbackUrl={callbackUrl}
      loginHref={withCallback("/login", callbackUrl)}
      allowTeacher={getEnv().ALLOW_TEACHER_SIGNUP}
      forCheckIn={callbackUrl.startsWith("/join")}
      providers={ssoProviderList(getEnv().SSO)}
    />
  );
}
