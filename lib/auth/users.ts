import { sql } from "drizzle-orm";
import { z } from "zod";
import { now } from "../clock";
import { getDb, isUniqueViolation } from "../db/client";
import type { Transaction } from "../db/database";
import type { User } from "../db/schema";
import { getEnv } from "../env";
import { AppError } from "../errors";
import { USER_KINDS, type PublicUser, type UserKind } from "../model/vocabulary";
import { newId } from "../ids";
import { claimInvitations } from "../courses/invitations";
import { hasStaffInvitation } from "../courses/staff";
import { loginBlockedFor, reserveLoginAttempt, type LoginAttemptSource } from "./login-limits";
import { trustedKey } from "./trusted-devices";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./password";
import { emailKey, emailSchema } from "../model/email";

export { emailKey, emailSchema };

export const registerSchema = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(100),
  email: emailSchema,
  password: z.string().min(8, "Use at least 8 characters.").max(200),
  kind: z.enum(USER_KINDS).default("student"),
});

export const credentialsSchema = z.object({
  email: emailSchema,
  password: z.string().min(1).max(200),
});

export function toPublicUser(u: Pick<User, "id" | "name" | "email" | "kind">): PublicUser {
  return { id: u.id, name: u.name, email: u.email, kind: u.kind };
}

/**
 * A new password account. In the same transaction it claims what waits for
 * its e-mail (lib/courses/invitations.ts): a staff invitation makes it a
 * teacher account, even where teacher sign-up is off (SPEC §9: an invited TA
 * "registers as a teacher"), and roster invitations enroll it.
 */
export async function registerUser(input: z.infer<typeof registerSchema>): Promise<PublicUser> {
  const db = getDb();
  const key = emailKey(input.email);
  // A taken address is refused before the costly hash.
  if (await db.get(sql`SELECT id FROM users WHERE email_key = ${key}`)) throw new AppError("email_taken");
  const invitedAsStaff = await hasStaffInvitation(db, key);
  if (input.kind === "teacher" && !getEnv().ALLOW_TEACHER_SIGNUP && !invitedAsStaff) {
    throw new AppError("forbidden", "Teacher sign-up is turned off on this server. Ask an administrator.");
  }
  return createUser({ ...input, kind: invitedAsStaff ? "teacher" : input.kind }, await hashPassword(input.password));
}

/**
 * Adds an account whose password was hashed beforehand (registration hashes
 * each password; the end-to-end server, like the seed, shares one hash), or
 * without a password (null: single sign-on), and, in the same transaction,
 * claims the invitations waiting for its e-mail. `alsoInTx` adds what must
 * commit with the account (an SSO account's identity).
 */
export async function createUser(
  input: { name: string; email: string; kind: UserKind },
  passwordHash: string | null,
  alsoInTx?: (tx: Transaction, user: PublicUser) => Promise<void>,
): Promise<PublicUser> {
  const user: PublicUser = { id: newId(), name: input.name, email: input.email.trim(), kind: input.kind };
  try {
    await getDb().transaction(async (tx) => {
      await tx.run(sql`
        INSERT INTO users (id, name, email, email_key, password_hash, kind, created_at)
        VALUES (${user.id}, ${user.name}, ${user.email}, ${emailKey(user.email)}, ${passwordHash}, ${user.kind}, ${now()})`);
      await claimInvitations(tx, user);
      await alsoInTx?.(tx, user);
    });
  } catch (e) {
    // Two sign-ups racing for one address: the unique index decides.
    if (isUniqueViolation(e) && !alsoInTx) throw new AppError("email_taken");
    throw e;
  }
  return toPublicUser(user);
}

/** Who is signing in, as far as the limits care: the address, the browser's device id and its trusted-account marks. */
export type SignInClient = { ip: string; deviceId: string | null; trustMarks: readonly string[] };

/** Checks an e-mail and password under the sign-in rate limits (lib/auth/login-limits.ts). */
export async function verifyCredentials(email: string, password: string, client: SignInClient): Promise<PublicUser> {
  const key = emailKey(email);
  const user = await getDb().get<Pick<User, "id" | "name" | "email" | "kind" | "passwordHash">>(sql`
    SELECT id, name, email, kind, password_hash AS "passwordHash" FROM users WHERE email_key = ${key}`);
  const attempt = await reserveLoginAttempt(attemptSource(key, user?.id ?? null, client));
  // An account without a password (single sign-on) is checked against the dummy hash for equal timing, and never matches.
  const hash = user?.passwordHash ?? null;
  const ok = (await verifyPassword(password, hash ?? (await dummyPasswordHash()))) && hash !== null;
  if (!user || !ok) {
    await attempt.failed();
    throw new AppError("invalid_credentials");
  }
  await attempt.succeeded();
  return toPublicUser(user);
}

/** Seconds until this client may try this e-mail again (the sign-in form's wait message), or null. Consumes nothing. */
export async function signInWaitSeconds(email: string, client: SignInClient): Promise<number | null> {
  const key = emailKey(email);
  const user = await getDb().get<{ id: string }>(sql`SELECT id FROM users WHERE email_key = ${key}`);
  return loginBlockedFor(attemptSource(key, user?.id ?? null, client));
}

function attemptSource(key: string, userId: string | null, client: SignInClient): LoginAttemptSource {
  return { emailKey: key, userId, ip: client.ip, trustedKey: userId ? trustedKey(client.trustMarks, userId, client.deviceId) : null };
}

export async function findUser(id: string): Promise<PublicUser | null> {
  return (await getDb().get<PublicUser>(sql`SELECT id, name, email, kind FROM users WHERE id = ${id}`)) ?? null;
}

/** The account behind a session token, with the moment before which its sessions are void ("sign out everywhere"). */
export async function findSessionUser(id: string): Promise<{ user: PublicUser; sessionsValidAfter: number | null } | null> {
  const row = await getDb().get<PublicUser & { sessionsValidAfter: number | string | null }>(sql`
    SELECT id, name, email, kind, sessions_valid_after AS "sessionsValidAfter" FROM users WHERE id = ${id}`);
  if (!row) return null;
  const { sessionsValidAfter, ...user } = row;
  return { user, sessionsValidAfter: sessionsValidAfter === null ? null : Number(sessionsValidAfter) };
}

export async function findUserByEmail(email: string): Promise<PublicUser | null> {
  return (await getDb().get<PublicUser>(sql`SELECT id, name, email, kind FROM users WHERE email_key = ${emailKey(email)}`)) ?? null;
}
