import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { buttonClass } from "@/components/ui/button";
import { safeCallbackUrl, withCallback } from "@/lib/auth/callback-url";
import { ssoProviderName } from "@/lib/auth/sso-providers";
import { getEnv } from "@/lib/env";
import { isSsoError, isSsoProviderId, type SsoError } from "@/lib/model/sso";

type Params = Record<string, string | string[] | undefined>;
type Props = { searchParams: Promise<Params> };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

type Explained = { title: string; body: string[]; action: { label: string; href: string } };

/**
 * Every way a single sign-on can fail, in plain words, with what the person can
 * do about it (SPEC §13): next-auth's own error page is never shown.
 */
function explain(error: SsoError, p: { provider: string; callbackUrl: string; domain: string; allowed: string[] | null; retryAfter: number }): Explained {
  const back = { label: "Back to sign in", href: withCallback("/login", p.callbackUrl) };
  switch (error) {
    case "cancelled":
      return {
        title: "Sign-in was cancelled",
        body: [`You left ${p.provider}'s sign-in before it finished, or ${p.provider} did not let you through. Nothing was changed.`, "You can try again, or sign in another way."],
        action: back,
      };
    case "unverified_email":
      return {
        title: `${p.provider} has not confirmed your e-mail address`,
        body: [
          `Rollcall uses a new sign-in only when ${p.provider} says the e-mail address belongs to you, and for this account it does not.`,
          `Confirm your address with ${p.provider} (or ask your IT help desk), then try again.`,
        ],
        action: back,
      };
    case "domain_not_allowed":
      return {
        title: "That account cannot be used here",
        body: [
          p.allowed
            ? `Rollcall here accepts university accounts at ${p.allowed.join(", ")}${p.domain ? `, and you signed in with one at ${p.domain}` : ""}.`
            : `This ${p.provider} account is not one of your school's${p.domain ? ` (it is at ${p.domain})` : ""}.`,
          `Sign in with your university account instead. If ${p.provider} signed you in automatically, sign out there first, or choose the other account on its page.`,
        ],
        action: back,
      };
    case "account_exists":
      return {
        title: "You already have a Rollcall account with this e-mail",
        body: [
          `To keep your attendance in one place, sign in with your e-mail and password first, then link ${p.provider} on your account page.`,
          `After that, either way signs you in to the same account.`,
        ],
        action: { label: "Sign in with your password", href: withCallback("/login", "/account") },
      };
    case "identity_taken":
      return {
        title: `This ${p.provider} account belongs to another Rollcall account`,
        body: [
          `Each ${p.provider} account can be linked to one Rollcall account only, and this one already is.`,
          `To use it here, sign in to that other account, unlink ${p.provider} on its account page, and link it again from this one.`,
        ],
        action: { label: "Back to your account", href: "/account" },
      };
    case "rate_limited":
      return {
        title: "Too many attempts",
        body: [`Too many sign-in attempts came from your network. Try again in ${p.retryAfter > 60 ? `${Math.ceil(p.retryAfter / 60)} minutes` : "a minute"}.`],
        action: back,
      };
    case "OAuthSignin":
      return {
        title: `We could not reach ${p.provider}`,
        body: [
          `${p.provider} did not answer, or Rollcall's settings for it are wrong. Try again in a few minutes.`,
          "If you also have a password for Rollcall, you can sign in with it meanwhile. If this keeps happening, tell your IT help desk.",
        ],
        action: back,
      };
    case "provider_error":
    case "OAuthCallback":
    case "Callback":
      return {
        title: `${p.provider} sent an answer we could not accept`,
        body: [
          "This happens when a sign-in page was left open too long or was finished in another browser or tab. Try again from the start.",
          `If it keeps happening, ${p.provider} or Rollcall's settings for it may be wrong: tell your IT help desk.`,
        ],
        action: back,
      };
    case "Configuration":
      return {
        title: "Sign-in is not set up correctly on this server",
        body: ["Rollcall's sign-in settings are wrong. Tell whoever runs Rollcall for your school; signing in with a password may still work."],
        action: back,
      };
    case "AccessDenied":
    case "server_error":
      return {
        title: "Something went wrong while signing you in",
        body: ["Nothing was changed. Try again in a moment."],
        action: back,
      };
  }
}

async function read(searchParams: Promise<Params>) {
  const params = await searchParams;
  const raw = one(params.error);
  const error: SsoError = isSsoError(raw) ? raw : "server_error";
  const providerId = one(params.provider);
  const sso = getEnv().SSO;
  const provider = isSsoProviderId(providerId) ? ssoProviderName(sso, providerId) : "your university's sign-in";
  const domain = /^[a-z0-9.-]{1,253}$/i.test(one(params.domain)) ? one(params.domain).toLowerCase() : "";
  const retryAfter = Math.min(24 * 3600, Math.max(0, Number.parseInt(one(params.retryAfter), 10) || 0));
  return explain(error, { provider, callbackUrl: safeCallbackUrl(params.callbackUrl), domain, allowed: sso.emailDomains, retryAfter });
}

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  return { title: (await read(searchParams)).title };
}

export default async function SignInErrorPage({ searchParams }: Props) {
  const { title, body, action } = await read(searchParams);
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
      {body.map((line) => (
        <p key={line} className="mt-3 text-slate-700">
          {line}
        </p>
      ))}
      <Link href={action.href} className={buttonClass("primary", "lg", "mt-6 w-full")}>
        {action.label}
      </Link>
    </Card>
  );
}
