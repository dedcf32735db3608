// Browser-safe words of single sign-on (SPEC §13): the pages and the server share them.

/** next-auth's provider ids, which are also the last segment of the callback address (`/api/auth/callback/<id>`). */
export const SSO_PROVIDER_IDS = ["oidc", "google", "azure-ad"] as const;
export type SsoProviderId = (typeof SSO_PROVIDER_IDS)[number];

export function isSsoProviderId(v: unknown): v is SsoProviderId {
  return typeof v === "string" && (SSO_PROVIDER_IDS as readonly string[]).includes(v);
}

/** A configured provider as the sign-in pages show it: one button each. */
export type SsoProviderInfo = { id: SsoProviderId; name: string };

/** A sign-in identity on the account page. */
export type IdentityDto = { id: string; provider: SsoProviderId; providerName: string; email: string | null; linkedAt: string };

/** How a person can sign in (the account page, `GET /api/me/sign-in-methods`). */
export type SignInMethodsDto = { password: boolean; identities: IdentityDto[] };

/**
 * Why a single sign-on did not end signed in: the `error` of `/login/error`.
 * Our own reasons, then next-auth's codes that can reach the page.
 */
export const SSO_ERRORS = [
  "cancelled",
  "provider_error",
  "unverified_email",
  "domain_not_allowed",
  "account_exists",
  "identity_taken",
  "rate_limited",
  "server_error",
  "OAuthSignin",
  "OAuthCallback",
  "Callback",
  "AccessDenied",
  "Configuration",
] as const;
export type SsoError = (typeof SSO_ERRORS)[number];

export function isSsoError(v: unknown): v is SsoError {
  return typeof v === "string" && (SSO_ERRORS as readonly string[]).includes(v);
}

/** The page for a single sign-on that did not end signed in, with the way back. */
export function ssoErrorPath(error: SsoError, params: { provider?: string; callbackUrl?: string; domain?: string; retryAfter?: number } = {}): string {
  const q = new URLSearchParams({ error });
  if (params.provider) q.set("provider", params.provider);
  if (params.callbackUrl && params.callbackUrl !== "/dashboard") q.set("callbackUrl", params.callbackUrl);
  if (params.domain) q.set("domain", params.domain);
  if (params.retryAfter) q.set("retryAfter", String(params.retryAfter));
  return `/login/error?${q}`;
}
