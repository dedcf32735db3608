import type { Metadata } from "next";
import { AppHeader } from "@/components/app-header";
import { PasswordForm } from "@/components/account/password-form";
import { SignInMethods } from "@/components/account/sign-in-methods";
import { SignOutEverywhere } from "@/components/account/sign-out-everywhere";
import { Card } from "@/components/ui/card";
import { signInMethods } from "@/lib/auth/account";
import { requirePageUser } from "@/lib/auth/page";
import { ssoProviderList, ssoProviderName } from "@/lib/auth/sso-providers";
import { getEnv } from "@/lib/env";
import { isSsoProviderId } from "@/lib/model/sso";

export const metadata: Metadata = { title: "Your account" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The account page (SPEC §13): who you are, how you can sign in, your password, and signing out everywhere. */
export default async function AccountPage({ searchParams }: Props) {
  const user = await requirePageUser("/account");
  const sso = getEnv().SSO;
  const [methods, params] = await Promise.all([signInMethods(user.id, sso), searchParams]);
  const linked = typeof params.linked === "string" && isSsoProviderId(params.linked) ? ssoProviderName(sso, params.linked) : null;

  return (
    <>
      <AppHeader user={user} />
      <main id="main" className="mx-auto flex max-w-2xl flex-col gap-6 px-4 py-6 sm:px-6 sm:py-10">
        <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">Your account</h1>

        <Card>
          <h2 className="text-lg font-semibold">Profile</h2>
          <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
            <dt className="text-slate-600">Name</dt>
            <dd className="font-medium text-slate-900">{user.name}</dd>
            <dt className="text-slate-600">E-mail</dt>
            <dd className="font-medium [overflow-wrap:anywhere] text-slate-900">{user.email}</dd>
            <dt className="text-slate-600">Account</dt>
            <dd className="font-medium capitalize text-slate-900">{user.kind}</dd>
          </dl>
        </Card>

        <SignInMethods methods={methods} providers={ssoProviderList(sso)} linked={linked} />

        <Card>
          <h2 className="text-lg font-semibold">{methods.password ? "Change your password" : "Set a password"}</h2>
          <p className="mt-1 text-sm text-slate-600">
            {methods.password
              ? "You need your current password to choose a new one."
              : "With a password you can also sign in with your e-mail address, for example when your university's sign-in is down."}
          </p>
          <PasswordForm hasPassword={methods.password} />
        </Card>

        <SignOutEverywhere />
      </main>
    </>
  );
}
