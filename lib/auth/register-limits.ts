import { BurstyRateLimiter, type RateLimiterAbstract } from "rate-limiter-flexible";
import { AppError } from "../errors";
import { isLimiterRefusal, limiterFamily, makeLimiter, retryAfterSeconds } from "../limits/store";

/**
 * New accounts per client address. A lecture hall registers through one NAT
 * address on the first day (300 students in a few minutes), so the steady
 * rate is a registration a second with a burst on top, and a day's cap far
 * above any hall; a script making throwaway accounts is held to that pace.
 * Each registration costs a scrypt hash, so this also caps what it can burn.
 */
export const REGISTER_LIMITS = {
  steady: { points: 60, duration: 60 },
  burst: { points: 120, duration: 10 * 60 },
  daily: { points: 1000, duration: 24 * 60 * 60 },
} as const;

const limiters = () =>
  limiterFamily("register", () => ({
    paced: new BurstyRateLimiter(
      makeLimiter({ keyPrefix: "register_ip", ...REGISTER_LIMITS.steady }) as RateLimiterAbstract,
      makeLimiter({ keyPrefix: "register_ip_burst", ...REGISTER_LIMITS.burst }) as RateLimiterAbstract,
    ),
    daily: makeLimiter({ keyPrefix: "register_ip_day", ...REGISTER_LIMITS.daily }),
  }));

/** Takes one registration from the address's budgets, or throws `rate_limited`. */
export async function admitRegistration(ip: string): Promise<void> {
  const l = limiters();
  try {
    await l.daily.consume(ip);
    await l.paced.consume(ip);
  } catch (e) {
    if (!isLimiterRefusal(e)) throw e;
    const secs = retryAfterSeconds(e.msBeforeNext);
    throw new AppError("rate_limited", `Too many new accounts from your network right now. Try again in ${secs} seconds.`, { retryAfterSeconds: secs });
  }
}
