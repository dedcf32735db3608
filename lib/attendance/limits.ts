import { RateLimiterMemory } from "rate-limiter-flexible";
import { AppError } from "../errors";
import { processSingleton } from "../process-store";

// Guessing a 6-digit code: at most 10 failed attempts in 10 minutes per student
// and per device. A lecture hall shares one NAT address, so per IP it is generous.
export const CODE_FAILURE_LIMIT = 10;
export const CODE_FAILURE_IP_LIMIT = 600;
const WINDOW_SECONDS = 10 * 60;

const limiters = () =>
  processSingleton("limits.code", () => ({
    student: new RateLimiterMemory({ keyPrefix: "code_student", points: CODE_FAILURE_LIMIT, duration: WINDOW_SECONDS }),
    device: new RateLimiterMemory({ keyPrefix: "code_device", points: CODE_FAILURE_LIMIT, duration: WINDOW_SECONDS }),
    ip: new RateLimiterMemory({ keyPrefix: "code_ip", points: CODE_FAILURE_IP_LIMIT, duration: WINDOW_SECONDS }),
  }));

export type CodeAttemptSource = { studentId: string; deviceId: string | null; ip: string };

function keys({ studentId, deviceId, ip }: CodeAttemptSource) {
  const l = limiters();
  return [
    { limiter: l.student, key: studentId },
    ...(deviceId ? [{ limiter: l.device, key: deviceId }] : []),
    { limiter: l.ip, key: ip },
  ];
}

function limited(msBeforeNext: number): AppError {
  const secs = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError("rate_limited", `Too many wrong codes. Wait ${secs} seconds, or scan the QR code instead.`, {
    retryAfterSeconds: secs,
  });
}

export type CodeAttempt = {
  /** The attempt was not a wrong code after all (a check-in, or another refusal): give its point back. */
  release: () => Promise<void>;
};

/**
 * Takes one point from every budget before the code is judged and keeps it if
 * the code turns out wrong. Taking it first, synchronously for all budgets, is
 * what stops a burst of parallel guesses from all being judged against the
 * same "9 so far" (a check, then a penalty after the answer, lets them through).
 */
export async function reserveCodeAttempt(source: CodeAttemptSource): Promise<CodeAttempt> {
  const budgets = keys(source);
  const taken = await Promise.allSettled(budgets.map(({ limiter, key }) => limiter.consume(key, 1)));
  const release = async () => {
    await Promise.all(budgets.map(({ limiter, key }) => limiter.reward(key, 1)));
  };
  const refused = taken.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (refused) {
    // A refused attempt is not a guess: it must not eat the others' budgets (one NAT address is a whole hall).
    await release();
    const reason = refused.reason as { msBeforeNext?: number } | Error;
    if (reason instanceof Error) throw reason;
    throw limited(reason.msBeforeNext ?? WINDOW_SECONDS * 1000);
  }
  return { release };
}
