import { describe, expect, it, vi } from "vitest";
import { loadEnv } from "../env";
import { entraProvider, googleProvider, identityFromClaims, oidcProvider, ssoProviderList, ssoProviders } from "./sso-providers";

const base = { AUTH_SECRET: "x".repeat(40), DATABASE_PATH: "/tmp/rollcall-sso-providers.db", APP_URL: "https://rollcall.example.edu" };

describe("providers from the settings", () => {
  it("has none when nothing is configured, so the sign-in pages show no button", () => {
    const sso = loadEnv(base).SSO;
    expect(ssoProviders(sso)).toEqual([]);
    expect(ssoProviderList(sso)).toEqual([]);
  });

  it("lists one button per configured provider, the university's own first", () => {
    const sso = loadEnv({
      ...base,
      AUTH_GOOGLE_ID: "g",
      AUTH_GOOGLE_SECRET: "gs",
      AUTH_OIDC_ISSUER: "https://idp.example.edu",
      AUTH_OIDC_ID: "o",
      AUTH_OIDC_SECRET: "os",
      AUTH_OIDC_NAME: "Example University",
      AUTH_ENTRA_ID: "e",
      AUTH_ENTRA_SECRET: "es",
      AUTH_ENTRA_TENANT: "example.edu",
    }).SSO;
    expect(ssoProviderList(sso)).toEqual([
      { id: "oidc", name: "Example University" },
      { id: "google", name: "Google" },
      { id: "azure-ad", name: "Microsoft" },
    ]);
  });

  it("builds the generic provider from discovery with PKCE, state and nonce, and the ID token first", () => {
    const p = oidcProvider({ issuer: "https://idp.example.edu/realms/campus", clientId: "o", clientSecret: "os", name: "Example University" });
    expect(p).toMatchObject({
      id: "oidc",
      type: "oauth",
      wellKnown: "https://idp.example.edu/realms/campus/.well-known/openid-configuration",
      clientId: "o",
      clientSecret: "os",
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state", "nonce"],
    });
    expect(typeof (p.userinfo as { request?: unknown }).request).toBe("function");
    expect(p.profile({ sub: "abc", name: "Ada", email: "ada@example.edu" }, {} as never)).toEqual({ id: "abc", name: "Ada", email: "ada@example.edu", image: null });
  });

  it("asks Google for the hosted domain as a hint and checks all three", () => {
    const p = googleProvider({ clientId: "g", clientSecret: "gs", hostedDomain: "example.edu" });
    expect(p).toMatchObject({
      id: "google",
      wellKnown: "https://accounts.google.com/.well-known/openid-configuration",
      authorization: { params: { scope: "openid email profile", hd: "example.edu", prompt: "select_account" } },
      idToken: true,
      checks: ["pkce", "state", "nonce"],
    });
    expect((googleProvider({ clientId: "g", clientSecret: "gs", hostedDomain: null }).authorization as { params: object }).params).not.toHaveProperty("hd");
  });

  it("points Entra at the university's own tenant, reads the ID token only (no Graph call), keyed by object id", () => {
    const p = entraProvider({ clientId: "e-id", clientSecret: "es", tenant: "0b3c5a9e-1f2d-4c6b-8a7e-9d0c1b2a3f4e" });
    expect(p).toMatchObject({
      id: "azure-ad",
      wellKnown: "https://login.microsoftonline.com/0b3c5a9e-1f2d-4c6b-8a7e-9d0c1b2a3f4e/v2.0/.well-known/openid-configuration?appid=e-id",
      authorization: { params: { scope: "openid profile email" } },
      idToken: true,
      checks: ["pkce", "state", "nonce"],
    });
    // No userinfo request of its own: with idToken, next-auth reads the ID token's claims and calls nothing else.
    expect(p.userinfo).toBeUndefined();
    // The profile fetches nothing (next-auth's bundled Azure AD provider fetches a photo from Microsoft Graph here).
    const fetches = vi.spyOn(globalThis, "fetch");
    expect(p.profile({ oid: "the-oid", sub: "pairwise", name: "Ada" }, { access_token: "t" } as never)).toEqual({ id: "the-oid", name: "Ada", email: null, image: null });
    expect(fetches).not.toHaveBeenCalled();
    fetches.mockRestore();
  });

  it("reads claims by the rules of the provider they came from", () => {
    const sso = loadEnv({ ...base, AUTH_GOOGLE_ID: "g", AUTH_GOOGLE_SECRET: "gs", AUTH_GOOGLE_HD: "example.edu" }).SSO;
    expect(identityFromClaims(sso, "google", { sub: "1", email: "a@gmail.com", email_verified: true })).toMatchObject({ ok: false, reason: "domain_not_allowed" });
    expect(identityFromClaims(sso, "azure-ad", { tid: "x" })).toMatchObject({ ok: false, reason: "provider_error" });
    expect(identityFromClaims(sso, "oidc", { iss: "https://i", sub: "s" })).toMatchObject({ ok: true });
  });
});
