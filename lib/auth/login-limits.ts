import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../api/errors";
import { processSingleton } from "../global";

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
  const blocked = [a, i].find((r, n) => r && r.consumedPoints >= (n === 0 ? 10 : 200));
  return blocked ? retryAfter(blocked) : null;
}

export async function assertLoginAllowed(emailKey: string, ip: string): Promise<void> {
  const secs = await loginBlockedFor(emailKey, ip);
  if (secs !== null) {
    throw new AppError("rate_limited", `Too many failed sign-ins. Try again in ${secs} seconds.`, {
      retryAfterSeconds: secs,
    });
  }
}

export async function recordLoginFailure(emailKey: string, ip: string): Promise<void> {
  const { account, ip: perIp } = limiters();
  await Promise.all([account.penalty(emailKey, 1), perIp.penalty(ip, 1)]);
}

export async function recordLoginSuccess(emailKey: string): Promise<void> {
  await limiters().account.delete(emailKey);
}
