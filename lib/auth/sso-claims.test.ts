import { describe, expect, it } from "vitest";
import { affiliationsOf, entraIdentity, googleIdentity, isTeachingAffiliation, oidcIdentity } from "./sso-claims";

const TENANT = "0b3c5a9e-1f2d-4c6b-8a7e-9d0c1b2a3f4e";
const OID = "6f1d2c3b-4a59-4e8d-9c7b-1a2b3c4d5e6f";
const ENTRA_ISS = `https://login.microsoftonline.com/${TENANT}/v2.0`;

describe("any OpenID Connect provider", () => {
  it("is the issuer and subject, with the e-mail only as verified as the provider says", () => {
    const r = oidcIdentity({ iss: "https://idp.example.edu", sub: "abc", email: "Ada@Example.EDU", email_verified: true, given_name: "Ada", family_name: "Lovelace" });
    expect(r).toEqual({
      ok: true,
      identity: { provider: "oidc", issuer: "https://idp.example.edu", subject: "abc", email: "ada@example.edu", emailVerified: true, name: "Ada Lovelace", affiliations: [] },
    });
    for (const email_verified of [false, undefined, "false", "yes-ish"]) {
      expect(oidcIdentity({ iss: "i", sub: "s", email: "a@b.edu", email_verified }).ok && (oidcIdentity({ iss: "i", sub: "s", email: "a@b.edu", email_verified }) as any).identity.emailVerified).toBe(false);
    }
    // Some providers send booleans as strings.
    expect((oidcIdentity({ iss: "i", sub: "s", email: "a@b.edu", email_verified: "true" }) as any).identity.emailVerified).toBe(true);
    // No e-mail, or a malformed one, is never verified.
    expect((oidcIdentity({ iss: "i", sub: "s", email: "not an address", email_verified: true }) as any).identity).toMatchObject({ email: null, emailVerified: false });
  });

  it("needs an issuer and a subject", () => {
    expect(oidcIdentity({ sub: "s" })).toMatchObject({ ok: false, reason: "provider_error" });
    expect(oidcIdentity({ iss: "i", sub: "" })).toMatchObject({ ok: false, reason: "provider_error" });
    expect(oidcIdentity({ iss: "i", sub: "x".repeat(256) })).toMatchObject({ ok: false, reason: "provider_error" });
  });

  it("reads faculty and staff affiliations, scoped or not, in any casing", () => {
    expect(affiliationsOf({ eduperson_affiliation: ["Member", "Faculty"], eduperson_scoped_affiliation: "staff@example.edu student@example.edu" })).toEqual([
      "member",
      "faculty",
      "staff",
      "student",
    ]);
    expect(isTeachingAffiliation(affiliationsOf({ eduperson_affiliation: "faculty" }))).toBe(true);
    expect(isTeachingAffiliation(affiliationsOf({ eduperson_scoped_affiliation: ["staff@example.edu"] }))).toBe(true);
    expect(isTeachingAffiliation(affiliationsOf({ eduperson_affiliation: ["student", "member", "affiliate"] }))).toBe(false);
    expect(isTeachingAffiliation(affiliationsOf({ eduperson_affiliation: 7 }))).toBe(false);
  });
});

describe("Google", () => {
  const claims = { iss: "https://accounts.google.com", sub: "1098", email: "ada@example.edu", email_verified: true, hd: "example.edu", name: "Ada" };

  it("takes the hosted domain from the signed hd claim, not from the request", () => {
    expect(googleIdentity(claims, { hostedDomain: "example.edu" })).toMatchObject({
      ok: true,
      identity: { provider: "google", issuer: "https://accounts.google.com", subject: "1098", email: "ada@example.edu", emailVerified: true },
    });
    // A personal Gmail account has no hd; another school's has its own.
    expect(googleIdentity({ ...claims, hd: undefined, email: "ada@gmail.com" }, { hostedDomain: "example.edu" })).toEqual({
      ok: false,
      reason: "domain_not_allowed",
      detail: "Google account outside example.edu",
      domain: "gmail.com",
    });
    expect(googleIdentity({ ...claims, hd: "other.edu" }, { hostedDomain: "example.edu" })).toMatchObject({ ok: false, reason: "domain_not_allowed", domain: "other.edu" });
    expect(googleIdentity({ ...claims, hd: "EXAMPLE.edu" }, { hostedDomain: "example.edu" }).ok).toBe(true);
    // Without AUTH_GOOGLE_HD any Google account may try (the e-mail rules still apply).
    expect(googleIdentity({ ...claims, hd: undefined }, { hostedDomain: null }).ok).toBe(true);
  });

  it("passes on Google's email_verified", () => {
    expect((googleIdentity({ ...claims, email_verified: false }, { hostedDomain: null }) as any).identity.emailVerified).toBe(false);
  });
});

describe("Microsoft Entra ID", () => {
  const claims = { iss: ENTRA_ISS, tid: TENANT, oid: OID, sub: "pairwise-sub", email: "ada@example.edu", name: "Ada", preferred_username: "ada@example.edu" };

  it("is the tenant and object id, never the editable e-mail", () => {
    const r = entraIdentity({ ...claims, xms_edov: true }, { tenant: TENANT });
    expect(r).toEqual({
      ok: true,
      identity: { provider: "azure-ad", issuer: ENTRA_ISS, subject: OID, email: "ada@example.edu", emailVerified: true, name: "Ada", affiliations: [] },
    });
  });

  it("counts the e-mail verified only when Entra vouches for it", () => {
    expect((entraIdentity(claims, { tenant: TENANT }) as any).identity.emailVerified).toBe(false);
    expect((entraIdentity({ ...claims, xms_edov: false }, { tenant: TENANT }) as any).identity.emailVerified).toBe(false);
    expect((entraIdentity({ ...claims, xms_edov: "1" }, { tenant: TENANT }) as any).identity.emailVerified).toBe(true);
    // verified_primary_email wins over the editable email claim.
    const primary = entraIdentity({ ...claims, email: "spoofed@other.edu", verified_primary_email: ["Ada.L@Example.edu"] }, { tenant: TENANT }) as any;
    expect(primary.identity).toMatchObject({ email: "ada.l@example.edu", emailVerified: true });
  });

  it("refuses a token of another tenant, or one without tenant and object id", () => {
    const other = "11111111-2222-4333-8444-555555555555";
    expect(entraIdentity({ ...claims, tid: other, iss: `https://login.microsoftonline.com/${other}/v2.0` }, { tenant: TENANT })).toMatchObject({ ok: false, reason: "provider_error" });
    // The issuer must name the token's own tenant.
    expect(entraIdentity({ ...claims, iss: "https://login.microsoftonline.com/common/v2.0" }, { tenant: TENANT })).toMatchObject({ ok: false });
    expect(entraIdentity({ ...claims, oid: undefined }, { tenant: TENANT })).toMatchObject({ ok: false });
    expect(entraIdentity({ ...claims, tid: "not-a-guid" }, { tenant: TENANT })).toMatchObject({ ok: false });
    // A tenant configured by domain name: openid-client already held the issuer to that tenant's metadata.
    expect(entraIdentity(claims, { tenant: "example.edu" }).ok).toBe(true);
  });
});
