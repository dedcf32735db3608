import { sql } from "drizzle-orm";
import { z } from "zod";
import { now } from "../clock";
import { getDb, isUniqueViolation } from "../db/client";
import type { User } from "../db/schema";
import { getEnv } from "../env";
import { AppError } from "../errors";
import { USER_KINDS, type PublicUser } from "../model/vocabulary";
import { newId } from "../ids";
import { reserveLoginAttempt } from "./login-limits";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./password";


export const emailSchema = z.string().trim().max(254).pipe(z.email({ message: "Enter a valid e-mail address." }));

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

export const emailKey = (email: string) => email.trim().toLowerCase();

export async function registerUser(input: z.infer<typeof registerSchema>): Promise<PublicUser> {
  if (input.kind === "teacher" && !getEnv().ALLOW_TEACHER_SIGNUP) {
    throw new AppError("forbidden", "Teacher sign-up is turned off on this server. Ask an administrator.");
  }
  const db = getDb();
  const key = emailKey(input.email);
  if (await db.get(sql`SELECT id FROM users WHERE email_key = ${key}`)) throw new AppError("email_taken");
  const passwordHash = await hashPassword(input.password);
  const user = { id: newId(), name: input.name, email: input.email.trim(), kind: input.kind };
  try {
    await db.run(sql`
      INSERT INTO users (id, name, email, email_key, password_hash, kind, created_at)
      VALUES (${user.id}, ${user.name}, ${user.email}, ${key}, ${passwordHash}, ${user.kind}, ${now()})`);
  } catch (e) {
    // Two sign-ups racing for one address: the unique index decides.
    if (isUniqueViolation(e)) throw new AppError("email_taken");
    throw e;
  }
  return toPublicUser(user);
}

/** Checks an e-mail and password under the sign-in rate limits. */
export async function verifyCredentials(email: string, password: string, ip: string): Promise<PublicUser> {
  const key = emailKey(email);
  const attempt = await reserveLoginAttempt(key, ip);
  const user = await getDb().get<Pick<User, "id" | "name" | "email" | "kind" | "passwordHash">>(sql`
    SELECT id, name, email, kind, password_hash AS "passwordHash" FROM users WHERE email_key = ${key}`);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) {
    await attempt.failed();
    throw new AppError("invalid_credentials");
  }
  await attempt.succeeded();
  return toPublicUser(user);
}

export async function findUser(id: string): Promise<PublicUser | null> {
  return (await getDb().get<PublicUser>(sql`SELECT id, name, email, kind FROM users WHERE id = ${id}`)) ?? null;
}
