import type { EntraSettings, GoogleSettings } from "../env";
import type { SsoProviderId } from "../model/sso";

/**
 * What Rollcall takes from a provider's claims, and nothing else: who the
 * person is at that provider (issuer, subject), their e-mail only as far as the
 * provider vouches for it, a name, and faculty/staff affiliation. Pure: the
 * claims come in already checked by openid-client (signature, issuer, audience,
 * nonce, expiry); these rules are what each provider's claims mean.
 */
export type SsoIdentity = {
  provider: SsoProviderId;
  issuer: string;
  subject: string;
  /** The e-mail the provider gave, lower-cased; trust it only when `emailVerified`. */
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  /** eduPersonAffiliation values (scoped ones without their scope), lower-cased. */
  affiliations: string[];
};

export type ClaimsRefusal = { reason: "domain_not_allowed" | "provider_error"; detail: string; domain?: string };
export type ClaimsResult = { ok: true; identity: SsoIdentity } | ({ ok: false } & ClaimsRefusal);

type Claims = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
/** Booleans arrive as JSON booleans, or as strings from some providers (Cognito, older Shibboleth). */
const yes = (v: unknown): boolean => v === true || v === "true" || v === 1 || v === "1";
const MAX_ID = 255;

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

function cleanEmail(v: unknown): string | null {
  const e = str(v);
  return e && e.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) ? e.toLowerCase() : null;
}

function displayName(c: Claims): string | null {
  const full = str(c.name) ?? ([str(c.given_name), str(c.family_name)].filter(Boolean).join(" ") || null);
  return full ? full.slice(0, 100) : null;
}

function values(v: unknown): string[] {
  const list = Array.isArray(v) ? v : typeof v === "string" ? v.split(/[\s,]+/) : [];
  return list.filter((x): x is string => typeof x === "string" && x !== "");
}

/** eduperson_affiliation and eduperson_scoped_affiliation ("faculty@example.edu"), lower-cased and unscoped. */
export function affiliationsOf(c: Claims): string[] {
  const all = [...values(c.eduperson_affiliation), ...values(c.eduperson_scoped_affiliation).map((v) => v.split("@")[0])];
  return [...new Set(all.map((v) => v.toLowerCase()))];
}

/** SPEC §13: a provider asserting a faculty or staff affiliation makes a new account a teacher. */
export function isTeachingAffiliation(affiliations: string[]): boolean {
  return affiliations.includes("faculty") || affiliations.includes("staff");
}

function subjectOf(v: unknown): string | null {
  const s = str(v);
  return s && s.length <= MAX_ID ? s : null;
}

/** Any OpenID Connect provider: the ID token's issuer and subject, `email_verified` as the provider states it. */
export function oidcIdentity(c: Claims): ClaimsResult {
  const issuer = str(c.iss);
  const subject = subjectOf(c.sub);
  if (!issuer || !subject) return { ok: false, reason: "provider_error", detail: "The provider's answer had no issuer or subject." };
  const email = cleanEmail(c.email);
  return {
    ok: true,
    identity: { provider: "oidc", issuer, subject, email, emailVerified: !!email && yes(c.email_verified), name: displayName(c), affiliations: affiliationsOf(c) },
  };
}

export const GOOGLE_ISSUER = "https://accounts.google.com";

/**
 * Google: the school's Workspace domain is checked here from the signed `hd`
 * claim. The `hd` request parameter is only a hint a person can remove from
 * the address bar; a personal Gmail account has no `hd` at all.
 */
export function googleIdentity(c: Claims, settings: Pick<GoogleSettings, "hostedDomain">): ClaimsResult {
  const subject = subjectOf(c.sub);
  if (!subject) return { ok: false, reason: "provider_error", detail: "Google's answer had no subject." };
  const email = cleanEmail(c.email);
  if (settings.hostedDomain) {
    const hd = str(c.hd)?.toLowerCase() ?? null;
    if (hd !== settings.hostedDomain) {
      return { ok: false, reason: "domain_not_allowed", detail: `Google account outside ${settings.hostedDomain}`, domain: hd ?? (email ? emailDomain(email) : undefined) };
    }
  }
  return {
    ok: true,
    identity: { provider: "google", issuer: GOOGLE_ISSUER, subject, email, emailVerified: !!email && yes(c.email_verified), name: displayName(c), affiliations: affiliationsOf(c) },
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Microsoft Entra ID: a person is their tenant and object id (`tid`, `oid`),
 * never the `email` claim, which in Entra is a profile field its user or an
 * administrator of another tenant can set. An e-mail counts as verified only
 * when Entra says so: the optional `verified_primary_email` claim, or `email`
 * with `xms_edov` (the domain owner verified it), or a plain `email_verified`.
 * The token must come from the configured tenant: its issuer names the tenant.
 */
export function entraIdentity(c: Claims, settings: Pick<EntraSettings, "tenant">): ClaimsResult {
  const tid = str(c.tid);
  const oid = str(c.oid);
  if (!tid || !oid || !GUID.test(tid) || !GUID.test(oid)) {
    return { ok: false, reason: "provider_error", detail: "Entra's answer had no tenant or object id (tid, oid)." };
  }
  const issuer = `https://login.microsoftonline.com/${tid}/v2.0`;
  if (str(c.iss) !== issuer) return { ok: false, reason: "provider_error", detail: "Entra's issuer does not name the token's tenant." };
  if (GUID.test(settings.tenant) && tid.toLowerCase() !== settings.tenant.toLowerCase()) {
    return { ok: false, reason: "provider_error", detail: "The token comes from another Entra tenant." };
  }
  const primary = cleanEmail(values(c.verified_primary_email)[0]);
  const email = primary ?? cleanEmail(c.email);
  const emailVerified = !!email && (!!primary || yes(c.xms_edov) || yes(c.email_verified));
  return {
    ok: true,
    identity: { provider: "azure-ad", issuer, subject: oid.toLowerCase(), email, emailVerified, name: displayName(c), affiliations: affiliationsOf(c) },
  };
}
