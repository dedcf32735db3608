import type { OAuthConfig } from "next-auth/providers/oauth";
import type { TokenSet } from "openid-client";
import type { EntraSettings, GoogleSettings, OidcSettings, SsoSettings } from "../env";
import type { SsoProviderId, SsoProviderInfo } from "../model/sso";
import { entraIdentity, googleIdentity, oidcIdentity, type ClaimsResult } from "./sso-claims";

/**
 * next-auth v4 providers built from the settings: one per configured
 * provider, none when nothing is set. Written out rather than taken from
 * next-auth's bundled Google and Azure AD providers, so every check is visible
 * here: PKCE + state + nonce on each, the ID token as the source of claims,
 * and no outbound call the product does not need (the bundled Azure AD
 * provider fetches a photo from Microsoft Graph at every sign-in).
 */
type Claims = Record<string, unknown>;
export type SsoProviderConfig = OAuthConfig<Claims>;

const CHECKS: SsoProviderConfig["checks"] = ["pkce", "state", "nonce"];
// A slow provider fails the sign-in with a page in plain words instead of hanging the browser.
const HTTP = { timeout: 10_000 };

/** What next-auth keeps of a profile; ours is decided later from the claims (`identityFromClaims`). */
function profile(idClaim: "sub" | "oid") {
  return (claims: Claims) => ({
    id: String(claims[idClaim] ?? ""),
    name: typeof claims.name === "string" ? claims.name : null,
    email: typeof claims.email === "string" ? claims.email : null,
    image: null,
  });
}

export function oidcProvider(s: OidcSettings): SsoProviderConfig {
  return {
    id: "oidc",
    name: s.name,
    type: "oauth",
    wellKnown: `${s.issuer}/.well-known/openid-configuration`,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: CHECKS,
    httpOptions: HTTP,
    // Providers differ in where they put claims: many (Shibboleth's OIDC plugin, oidc-provider) release the
    // scopes' claims from the userinfo endpoint only. Both are asked; the signed ID token's claims win,
    // and openid-client refuses a userinfo answer about another subject.
    userinfo: {
      async request({ tokens, client }) {
        // next-auth hands over openid-client's TokenSet (typed as its parameters).
        const set = tokens as unknown as TokenSet;
        const fromIdToken = set.claims() as Claims;
        const endpoint = client.issuer.metadata.userinfo_endpoint;
        const fromUserinfo = endpoint && set.access_token ? ((await client.userinfo(set)) as Claims) : {};
        return { ...fromUserinfo, ...fromIdToken };
      },
    },
    profile: profile("sub"),
  };
}

export function googleProvider(s: GoogleSettings): SsoProviderConfig {
  return {
    id: "google",
    name: "Google",
    type: "oauth",
    wellKnown: "https://accounts.google.com/.well-known/openid-configuration",
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    authorization: {
      params: {
        scope: "openid email profile",
        prompt: "select_account",
        // Only a hint for Google's account chooser: the `hd` claim is checked on the server (googleIdentity).
        ...(s.hostedDomain ? { hd: s.hostedDomain } : {}),
      },
    },
    idToken: true,
    checks: CHECKS,
    httpOptions: HTTP,
    profile: profile("sub"),
  };
}

export function entraProvider(s: EntraSettings): SsoProviderConfig {
  return {
    id: "azure-ad",
    name: "Microsoft",
    type: "oauth",
    // The tenant's own metadata: openid-client then accepts only ID tokens whose issuer is that tenant.
    // `appid` returns the application's own signing keys when the tenant uses claims mapping.
    wellKnown: `https://login.microsoftonline.com/${encodeURIComponent(s.tenant)}/v2.0/.well-known/openid-configuration?appid=${encodeURIComponent(s.clientId)}`,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    authorization: { params: { scope: "openid profile email" } },
    idToken: true,
    checks: CHECKS,
    httpOptions: HTTP,
    profile: profile("oid"),
  };
}

/** Every configured provider, in the order the buttons appear: the university's own first. */
export function ssoProviders(sso: SsoSettings): SsoProviderConfig[] {
  return [sso.oidc && oidcProvider(sso.oidc), sso.google && googleProvider(sso.google), sso.entra && entraProvider(sso.entra)].filter(
    (p): p is SsoProviderConfig => !!p,
  );
}

/** The buttons of the sign-in pages. */
export function ssoProviderList(sso: SsoSettings): SsoProviderInfo[] {
  return ssoProviders(sso).map((p) => ({ id: p.id as SsoProviderId, name: p.name }));
}

export function ssoProviderName(sso: SsoSettings, id: SsoProviderId): string {
  if (id === "oidc") return sso.oidc?.name ?? "your university account";
  return id === "google" ? "Google" : "Microsoft";
}

/** The claims an ID token (and userinfo) carried, read by the rules of the provider they came from. */
export function identityFromClaims(sso: SsoSettings, provider: string, claims: Claims): ClaimsResult {
  switch (provider) {
    case "oidc":
      return oidcIdentity(claims);
    case "google":
      return sso.google ? googleIdentity(claims, sso.google) : notConfigured();
    case "azure-ad":
      return sso.entra ? entraIdentity(claims, sso.entra) : notConfigured();
    default:
      return notConfigured();
  }
}

function notConfigured(): ClaimsResult {
  return { ok: false, reason: "provider_error", detail: "That provider is not configured." };
}
