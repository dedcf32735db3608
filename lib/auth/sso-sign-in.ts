import { sql } from "drizzle-orm";
import { audit } from "../audit";
import { now } from "../clock";
import { hasStaffInvitation } from "../courses/staff";
import { getDb, isUniqueViolation } from "../db/client";
import type { Queryable } from "../db/database";
import { newId } from "../ids";
import type { PublicUser, UserKind } from "../model/vocabulary";
import { admitRegistration } from "./register-limits";
import { createUser, findUser, findUserByEmail } from "./users";
import { emailDomain, isTeachingAffiliation, type SsoIdentity } from "./sso-claims";

/**
 * The rules of SPEC §13 for an identity coming back from a provider. A person
 * is (issuer, subject): an identity already linked signs in to its account,
 * whatever its e-mail says today. An identity seen for the first time
 * - is refused when its e-mail is not verified, or its domain is not in
 *   SSO_EMAIL_DOMAINS (when set);
 * - is linked to the account that asked for it (the account page's "link");
 * - is linked to the existing account with that e-mail when the domain is
 *   listed in SSO_EMAIL_DOMAINS (the school vouches for its own addresses);
 * - is refused when another account has that e-mail (its owner signs in with
 *   the password and links the provider from the account page);
 * - otherwise creates an account the way registration does: under the same
 *   per-address limits on new accounts (lib/auth/register-limits.ts), then
 *   createUser (invitations claimed in the same transaction, with the identity).
 */
export type SsoPolicy = {
  /** SSO_EMAIL_DOMAINS, lower-cased; null: any domain. */
  emailDomains: string[] | null;
  allowTeacherSignup: boolean;
};

export type SsoRequest = {
  /** The signed-in account that asked to link this identity (account page), or null for a sign-in. */
  linkTo: string | null;
  /** The person chose "teacher" on the sign-up page before going to the provider. */
  teacherRequested: boolean;
  /** The client's address, for registration's limits on new accounts; null where no request is behind it. */
  ip: string | null;
};

export type SsoOutcome = "signed_in" | "linked" | "created";
export type SsoRefusalReason = "unverified_email" | "domain_not_allowed" | "account_exists" | "identity_taken";

export class SsoRefusal extends Error {
  constructor(
    readonly reason: SsoRefusalReason,
    /** The e-mail domain concerned, for the page's wording. */
    readonly domain?: string,
  ) {
    super(reason);
  }
}

export async function signInWithIdentity(identity: SsoIdentity, request: SsoRequest, policy: SsoPolicy): Promise<{ user: PublicUser; outcome: SsoOutcome }> {
  try {
    return await resolve(identity, request, policy);
  } catch (e) {
    // Two callbacks for one new identity at once (a double click): the unique index kept one; the other signs in to it.
    if (isUniqueViolation(e) && (await identityOwner(getDb(), identity))) return resolve(identity, request, policy);
    // An account with this e-mail appeared meanwhile (a registration): as if it had been there.
    if (isUniqueViolation(e)) throw new SsoRefusal("account_exists", identity.email ? emailDomain(identity.email) : undefined);
    throw e;
  }
}

async function resolve(identity: SsoIdentity, request: SsoRequest, policy: SsoPolicy): Promise<{ user: PublicUser; outcome: SsoOutcome }> {
  const db = getDb();
  const owner = await identityOwner(db, identity);
  if (owner) {
    if (request.linkTo && owner !== request.linkTo) throw new SsoRefusal("identity_taken");
    const user = await findUser(owner);
    if (!user) throw new SsoRefusal("identity_taken"); // deleted in between: the cascade takes the identity too
    return { user, outcome: "signed_in" };
  }

  if (!identity.email || !identity.emailVerified) throw new SsoRefusal("unverified_email");
  const email = identity.email;
  const domain = emailDomain(email);
  const listed = policy.emailDomains?.includes(domain) ?? false;
  if (policy.emailDomains && !listed) throw new SsoRefusal("domain_not_allowed", domain);

  if (request.linkTo) {
    const user = await findUser(request.linkTo);
    if (!user) throw new SsoRefusal("identity_taken");
    await getDb().transaction(async (tx) => insertIdentity(tx, user.id, identity, user.id));
    return { user, outcome: "linked" };
  }

  const existing = await findUserByEmail(email);
  if (existing) {
    if (!listed) throw new SsoRefusal("account_exists", domain);
    await getDb().transaction(async (tx) => insertIdentity(tx, existing.id, identity, existing.id));
    return { user: existing, outcome: "linked" };
  }

  const kind: UserKind =
    (await hasStaffInvitation(db, email)) || isTeachingAffiliation(identity.affiliations) || (request.teacherRequested && policy.allowTeacherSignup)
      ? "teacher"
      : "student";
  // A new account, as registering makes one: a script with many provider accounts is held to registration's pace.
  if (request.ip !== null) await admitRegistration(request.ip);
  const user = await createUser({ name: identity.name ?? email.slice(0, email.indexOf("@")), email, kind }, null, async (tx, created) => {
    await insertIdentity(tx, created.id, identity, created.id, "sso_signup");
  });
  return { user, outcome: "created" };
}

async function identityOwner(db: Queryable, identity: Pick<SsoIdentity, "issuer" | "subject">): Promise<string | null> {
  const row = await db.get<{ userId: string }>(sql`
    SELECT user_id AS "userId" FROM identities WHERE issuer = ${identity.issuer} AND subject = ${identity.subject}`);
  return row?.userId ?? null;
}

async function insertIdentity(tx: Queryable, userId: string, identity: SsoIdentity, actorId: string, action: "identity_link" | "sso_signup" = "identity_link") {
  const t = now();
  await tx.run(sql`
    INSERT INTO identities (id, user_id, provider, issuer, subject, email, created_at)
    VALUES (${newId()}, ${userId}, ${identity.provider}, ${identity.issuer}, ${identity.subject}, ${identity.email}, ${t})`);
  await audit(tx, { at: t, actorId, entity: "account", action, subjectId: userId, to: identity.provider, note: identity.email });
}
