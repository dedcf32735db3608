import { sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit";
import { now } from "../clock";
import { getDb } from "../db/client";
import type { Queryable } from "../db/database";
import type { SsoSettings } from "../env";
import { AppError, isAppError } from "../errors";
import { publish } from "../events";
import { isSsoProviderId, type IdentityDto, type SignInMethodsDto, type SsoProviderId } from "../model/sso";
import type { PublicUser } from "../model/vocabulary";
import { hashPassword } from "./password";
import { ssoProviderName } from "./sso-providers";
import { verifyCredentials, type SignInClient } from "./users";

/**
 * The account page's domain (SPEC §13): how a person can sign in (a password,
 * linked identities), unlinking while another way remains, setting or
 * changing the password, and signing out everywhere.
 */

/** Setting a first password on an account that had none wants a sign-in this recent (a stolen session must not mint a lasting credential). */
export const RECENT_SIGN_IN_MS = 15 * 60 * 1000;

export async function signInMethods(userId: string, sso: SsoSettings): Promise<SignInMethodsDto> {
  const db = getDb();
  const [user, rows] = await Promise.all([
    db.get<{ hasPassword: number | boolean }>(sql`SELECT CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS "hasPassword" FROM users WHERE id = ${userId}`),
    db.all<{ id: string; provider: string; email: string | null; createdAt: number | string }>(sql`
      SELECT id, provider, email, created_at AS "createdAt" FROM identities WHERE user_id = ${userId} ORDER BY created_at, id`),
  ]);
  const identities: IdentityDto[] = rows.map((r) => {
    const provider: SsoProviderId = isSsoProviderId(r.provider) ? r.provider : "oidc";
    return { id: r.id, provider, providerName: ssoProviderName(sso, provider), email: r.email, linkedAt: new Date(Number(r.createdAt)).toISOString() };
  });
  return { password: Number(user?.hasPassword ?? 0) === 1, identities };
}

/**
 * Removes one linked identity while another way to sign in remains. The
 * account row is written first: on PostgreSQL that row lock makes two unlinks
 * of the same account's last two identities take turns, so the second sees
 * the first and is refused (SQLite has one writer at a time anyway).
 */
export async function unlinkIdentity(user: PublicUser, identityId: string): Promise<void> {
  await getDb().transaction(async (tx) => {
    const lock = await tx.get<{ hasPassword: number | boolean }>(sql`
      UPDATE users SET name = name WHERE id = ${user.id}
      RETURNING CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS "hasPassword"`);
    if (!lock) throw new AppError("unauthenticated");
    const identity = await tx.get<{ provider: string; email: string | null }>(sql`
      SELECT provider, email FROM identities WHERE id = ${identityId} AND user_id = ${user.id}`);
    if (!identity) throw new AppError("not_found", "That sign-in method is not linked to your account.");
    const others = await tx.get<{ n: number | string }>(sql`SELECT count(*) AS n FROM identities WHERE user_id = ${user.id} AND id <> ${identityId}`);
    if (Number(lock.hasPassword) !== 1 && Number(others?.n ?? 0) === 0) throw new AppError("last_sign_in_method");
    await tx.run(sql`DELETE FROM identities WHERE id = ${identityId} AND user_id = ${user.id}`);
    await audit(tx, { at: now(), actorId: user.id, entity: "account", action: "identity_unlink", subjectId: user.id, from: identity.provider, note: identity.email });
  });
}

export const passwordSchema = z.object({
  currentPassword: z.string().max(200).optional(),
  newPassword: z.string().min(8, "Use at least 8 characters.").max(200),
});

/**
 * Sets a password (an account made by single sign-on has none) or changes it.
 * Changing asks for the current one, checked as a sign-in is (and under its
 * limits); setting the first one asks for a recent sign-in instead.
 */
export async function setPassword(
  user: PublicUser,
  input: z.infer<typeof passwordSchema>,
  ctx: { signedInAt: number; client: SignInClient },
): Promise<{ changed: boolean }> {
  const db = getDb();
  const row = await db.get<{ passwordHash: string | null }>(sql`SELECT password_hash AS "passwordHash" FROM users WHERE id = ${user.id}`);
  if (!row) throw new AppError("unauthenticated");
  if (row.passwordHash) {
    if (!input.currentPassword) {
      throw new AppError("invalid_input", "Enter your current password.", { issues: [{ path: "currentPassword", message: "Enter your current password." }] });
    }
    // The same check, and the same limits, as signing in with it.
    try {
      await verifyCredentials(user.email, input.currentPassword, ctx.client);
    } catch (e) {
      if (isAppError(e) && e.code === "invalid_credentials") {
        throw new AppError("invalid_credentials", "Your current password is not right.", { issues: [{ path: "currentPassword", message: "That is not your current password." }] });
      }
      throw e;
    }
  } else if (now() - ctx.signedInAt > RECENT_SIGN_IN_MS) {
    throw new AppError("recent_sign_in_required", "To set a password, sign in again first (it keeps someone using a forgotten session from adding one).");
  }
  const hash = await hashPassword(input.newPassword);
  const changed = !!row.passwordHash;
  await db.transaction(async (tx) => {
    await tx.run(sql`UPDATE users SET password_hash = ${hash} WHERE id = ${user.id}`);
    await audit(tx, { at: now(), actorId: user.id, entity: "account", action: changed ? "password_change" : "password_set", subjectId: user.id });
  });
  return { changed };
}

/**
 * Every session and bearer token issued until now stops working, on every
 * device, this one included; open sockets are closed (the fact below).
 */
export async function signOutEverywhere(user: PublicUser, at = now()): Promise<void> {
  await getDb().transaction(async (tx) => {
    await revokeSessions(tx, user.id, at);
    await audit(tx, { at, actorId: user.id, entity: "account", action: "sign_out_everywhere", subjectId: user.id });
    publish(tx, { type: "account.sessionsRevoked", userId: user.id });
  });
}

async function revokeSessions(tx: Queryable, userId: string, at: number) {
  await tx.run(sql`UPDATE users SET sessions_valid_after = ${at} WHERE id = ${userId}`);
}
