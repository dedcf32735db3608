import { AppError } from "../errors";
import { isLimiterRefusal, limiterFamily, makeLimiter, retryAfterSeconds, type Limiter } from "../limits/store";

/**
 * Sign-in limits that a hostile student on the hall's NAT address cannot turn
 * against the people around them (OWASP's device-cookie scheme; the shape of
 * Auth0's per-user-and-IP brute-force protection and Entra's familiar-location
 * counters):
 *
 * - A browser that signed in to an account before is *trusted* for it (a
 *   signed cookie, lib/auth/trusted-devices.ts) and has its own budget for that
 *   account. Nothing anyone else does touches it, and a success from it lifts
 *   the account's lock for everyone else.
 * - Every other client shares the account's budget: 10 failures in 15 minutes,
 *   then that account is locked for untrusted clients until the window passes.
 * - An address has a budget only for e-mails that have no account: made-up
 *   addresses cost the server a scrypt hash each. Past it, unknown e-mails
 *   from that address are refused without hashing; real accounts are judged
 *   as always, so a hall keeps signing in while one of them sprays.
 *
 * Attempts are reserved before the password is checked (a burst of parallel
 * guesses cannot all pass while scrypt runs); a success gives them back.
 */
export const LOGIN_LIMITS = {
  account: { points: 10, duration: 15 * 60 },
  trusted: { points: 10, duration: 15 * 60 },
  unknownEmails: { points: 200, duration: 15 * 60 },
} as const;

const limiters = () =>
  limiterFamily("login", () => ({
    account: makeLimiter({ keyPrefix: "login_account", ...LOGIN_LIMITS.account }),
    trusted: makeLimiter({ keyPrefix: "login_trusted", ...LOGIN_LIMITS.trusted }),
    unknown: makeLimiter({ keyPrefix: "login_unknown_ip", ...LOGIN_LIMITS.unknownEmails }),
  }));

export type LoginAttemptSource = {
  emailKey: string;
  /** The account behind the e-mail, or null when there is none. */
  userId: string | null;
  ip: string;
  /** Set when this browser is trusted for this account: its own budget's key. */
  trustedKey: string | null;
};

type Budget = { limiter: Limiter; key: string };

function budgetOf(src: LoginAttemptSource): Budget {
  const l = limiters();
  if (src.userId === null) return { limiter: l.unknown, key: src.ip };
  if (src.trustedKey) return { limiter: l.trusted, key: src.trustedKey };
  return { limiter: l.account, key: src.emailKey };
}

function rateLimited(msBeforeNext: number, unknown: boolean): AppError {
  const secs = retryAfterSeconds(msBeforeNext);
  const message = unknown
    ? `Too many sign-ins with e-mail addresses that have no account came from your network. Check your e-mail address, or try again in ${secs} seconds.`
    : `Too many failed sign-ins. Try again in ${secs} seconds.`;
  return new AppError("rate_limited", message, { retryAfterSeconds: secs });
}

export type LoginAttempt = { succeeded: () => Promise<void>; failed: () => Promise<void> };

export async function reserveLoginAttempt(src: LoginAttemptSource): Promise<LoginAttempt> {
  const { limiter, key } = budgetOf(src);
  try {
    await limiter.consume(key);
  } catch (e) {
    if (!isLimiterRefusal(e)) throw e;
    throw rateLimited(e.msBeforeNext, src.userId === null);
  }
  return {
    succeeded: async () => {
      await limiter.delete(key);
      // The owner, on a browser they signed in with before, unlocks the account for their other devices.
      if (src.trustedKey) await limiters().account.delete(src.emailKey);
    },
    failed: async () => {},
  };
}

/** Seconds until this client may try this e-mail again, or null when it may now. Consumes nothing. */
export async function loginBlockedFor(src: LoginAttemptSource): Promise<number | null> {
  const { limiter, key } = budgetOf(src);
  const res = await limiter.get(key);
  return res && res.consumedPoints >= limiter.points ? retryAfterSeconds(res.msBeforeNext) : null;
}
