import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { AppError } from "../api/errors";
import { now } from "../clock";
import { getDb } from "../db/client";
import { prepared } from "../db/prepared";
import { users, type User, type UserKind } from "../db/schema";
import { getEnv } from "../env";
import { newId } from "../ids";
import { reserveLoginAttempt } from "./login-limits";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./password";

export type PublicUser = { id: string; name: string; email: string; kind: UserKind };

export const emailSchema = z.string().trim().max(254).pipe(z.email({ message: "Enter a valid e-mail address." }));

export const registerSchema = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(100),
  email: emailSchema,
  password: z.string().min(8, "Use at least 8 characters.").max(200),
  kind: z.enum(["teacher", "student"]).default("student"),
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
  if (db.select({ id: users.id }).from(users).where(eq(users.emailKey, key)).get()) {
    throw new AppError("email_taken");
  }
  const passwordHash = await hashPassword(input.password);
  const user = { id: newId(), name: input.name, email: input.email.trim(), emailKey: key, passwordHash, kind: input.kind, createdAt: now() };
  try {
    db.insert(users).values(user).run();
  } catch (e) {
    // Two sign-ups racing for one address: the unique index decides.
    if (String((e as Error).message).includes("UNIQUE")) throw new AppError("email_taken");
    throw e;
  }
  return toPublicUser(user);
}

/** Checks an e-mail and password under the sign-in rate limits. */
export async function verifyCredentials(email: string, password: string, ip: string): Promise<PublicUser> {
  const key = emailKey(email);
  const attempt = await reserveLoginAttempt(key, ip);
  const user = getDb().select().from(users).where(eq(users.emailKey, key)).get();
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) {
    await attempt.failed();
    throw new AppError("invalid_credentials");
  }
  await attempt.succeeded();
  return toPublicUser(user);
}

const userById = prepared("users.byId", (db) =>
  db.select({ id: users.id, name: users.name, email: users.email, kind: users.kind }).from(users).where(eq(users.id, sql.placeholder("id"))).prepare(),
);

export function findUser(id: string): PublicUser | null {
  const u = userById().get({ id });
  return u ?? null;
}
