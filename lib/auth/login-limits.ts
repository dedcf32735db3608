import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../errors";
import { processSingleton } from "../process-store";

// Failed sign-ins only: a classroom shares one NAT address, so the per-IP
// budget is generous and the per-account one is tight.
const limiters = () =>
  processSingleton("limits.login", () => ({
    account: new RateLimiterMemory({ keyPrefix: "login_account", points: 10, duration: 15 * 60 }),
    ip: new RateLimiterMemory({ keyPrefix: "login_ip", points: 200, duration: 15 * 60 }),
  }));

function retryAfter(res: RateLimiterRes | null): number {
  return Math.max(1, Math.ceil((res?.msBeforeNext ?? 60_000) / 1000));
}

/** Seconds until sign-in is allowed again for this account and address, or null when it is allowed now. Consumes nothing. */
export async function loginBlockedFor(emailKey: string, ip: string): Promise<number | null> {
  const { account, ip: perIp } = limiters();
  const [a, i] = await Promise.all([account.get(emailKey), perIp.get(ip)]);
  const blocked = a && a.consumedPoints >= account.points ? a : i && i.consumedPoints >= perIp.points ? i : null;
  return blocked ? retryAfter(blocked) : null;
}

/**
 * Takes one attempt from the account's budget before the password is checked,
 * so a burst of parallel guesses cannot all pass the check while scrypt runs;
 * `succeeded()` gives it back. The address's budget counts failures only, since
 * a whole lecture hall may sign in at once through one NAT address.
 */
export async function reserveLoginAttempt(emailKey: string, ip: string): Promise<{ succeeded: () => Promise<void>; failed: () => Promise<void> }> {
  const { account, ip: perIp } = limiters();
  const fromIp = await perIp.get(ip);
  if (fromIp && fromIp.consumedPoints >= perIp.points) throw rateLimited(fromIp);
  try {
    await account.consume(emailKey);
  } catch (res) {
    throw rateLimited(res as RateLimiterRes);
  }
  return {
    succeeded: async () => {
      await account.delete(emailKey);
    },
    failed: async () => {
      await perIp.penalty(ip, 1);
    },
  };
}

function rateLimited(res: RateLimiterRes): AppError {
  const secs = retryAfter(res);
  return new AppError("rate_limited", `Too many failed sign-ins. Try again in ${secs} seconds.`, { retryAfterSeconds: secs });
}
