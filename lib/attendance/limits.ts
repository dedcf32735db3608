import { RateLimiterMemory } from "rate-limiter-flexible";
import { AppError } from "../api/errors";
import { processSingleton } from "../global";

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

export type Who = { studentId: string; deviceId: string | null; ip: string };

function keys({ studentId, deviceId, ip }: Who) {
  const l = limiters();
  return [
    { limiter: l.student, key: studentId, max: CODE_FAILURE_LIMIT },
    ...(deviceId ? [{ limiter: l.device, key: deviceId, max: CODE_FAILURE_LIMIT }] : []),
    { limiter: l.ip, key: ip, max: CODE_FAILURE_IP_LIMIT },
  ];
}

export async function assertCodeAttemptAllowed(who: Who): Promise<void> {
  for (const { limiter, key, max } of keys(who)) {
    const res = await limiter.get(key);
    if (res && res.consumedPoints >= max) {
      const secs = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new AppError("rate_limited", `Too many wrong codes. Wait ${secs} seconds, or scan the QR code instead.`, {
        retryAfterSeconds: secs,
      });
    }
  }
}

export async function recordCodeFailure(who: Who): Promise<void> {
  await Promise.all(keys(who).map(({ limiter, key }) => limiter.penalty(key, 1)));
}
