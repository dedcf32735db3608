import { limiterFamily, makeLimiter, retryAfterSeconds } from "../limits/store";

/**
 * Sign-in limits for single sign-on callbacks (SPEC §4's limits, applied to
 * the provider's way back). There is no password to guess here: the provider
 * authenticates. What a client can do is replay or forge callbacks, each
 * costing a token request to the provider and database work, or fish for
 * which e-mails have accounts through the refusal pages. So failed callbacks
 * (refusals, bad state or code) count per client address; past the budget the
 * callback is answered with the "too many attempts" page without contacting
 * the provider. A cancelled sign-in does not count, nor does a success: a
 * lecture hall behind one NAT address signing in at once is never slowed.
 * The counters live in the limits' store (lib/limits/store.ts), shared by
 * every process when a backend is installed, like the password's.
 */
export const SSO_LIMITS = { failuresPerAddress: { points: 100, duration: 15 * 60 } } as const;

const limiters = () => limiterFamily("sso", () => ({ failures: makeLimiter({ keyPrefix: "sso_failures_ip", ...SSO_LIMITS.failuresPerAddress }) }));

/** Seconds until this address may try again, or null when it may now. Consumes nothing. */
export async function ssoBlockedFor(ip: string): Promise<number | null> {
  const l = limiters().failures;
  const res = await l.get(ip);
  return res && res.consumedPoints >= l.points ? retryAfterSeconds(res.msBeforeNext) : null;
}

export async function ssoCallbackFailed(ip: string): Promise<void> {
  await limiters().failures.penalty(ip, 1);
}
