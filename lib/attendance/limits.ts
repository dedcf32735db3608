import { AppError } from "../errors";
import { isLimiterRefusal, limiterFamily, makeLimiter, retryAfterSeconds, type Limiter } from "../limits/store";

/**
 * Guessing a typed 6-digit code. Two codes of a session are live at a time
 * (the current window and the one before), so each wrong guess has about a
 * 1-in-500,000 chance; the limits keep guessers far from that while never
 * refusing a correct code because of other people's mistakes:
 *
 * - A student, and a browser (device id), each get 10 wrong codes in 10
 *   minutes for free. After that they may still try, but one try at a time
 *   after a growing pause (2 s, 4 s, 8 s … at most a minute after the last
 *   wrong one). A try during the pause is refused unjudged. So a student who
 *   mistyped ten times and finally types the right code gets in, at once or
 *   after a short wait; a guesser gets about ten more tries in ten minutes.
 * - An address (a lecture hall's NAT) may see 600 wrong codes in 10 minutes.
 *   Past that the address is *noisy*: students and browsers there with at
 *   most two wrong codes of their own (ordinary mistyping) are judged as
 *   always, while those with more share 20 judged retries a minute, so an
 *   attacker keeping that lane busy blocks nobody who merely mistyped.
 *   Throwaway accounts gain three judged tries each, and registration limits
 *   (lib/auth/register-limits.ts) pace their making.
 * - A request without a device id (a script that drops the cookie; a phone's
 *   very first request) has no device budget: a device id is free to mint, so
 *   the student's and the address's budgets, which cannot be dodged, bound it.
 *
 * Budgets are reserved before the code is judged, so a burst of parallel
 * guesses sees its own earlier members (burst-proof), and given back when the
 * attempt was not a wrong code. QR tokens carry a 96-bit signature and are not
 * limited at all.
 */
export const CODE_LIMITS = {
  freeFailures: 10,
  windowSeconds: 10 * 60,
  pauseSeconds: { first: 2, max: 60 },
  addressFailures: 600,
  noisyRetries: { points: 20, duration: 60 },
  /** Wrong codes of one's own that never put a student in a noisy address's shared lane (ordinary mistyping). */
  noisyGrace: 2,
} as const;

/** The pause after the n-th wrong code beyond the free ones (n ≥ 1). */
export function pauseSeconds(n: number): number {
  const { first, max } = CODE_LIMITS.pauseSeconds;
  return Math.min(max, first * 2 ** Math.max(0, n - 1));
}

const limiters = () =>
  limiterFamily("codes", () => {
    const failures = { points: CODE_LIMITS.freeFailures, duration: CODE_LIMITS.windowSeconds };
    return {
      student: makeLimiter({ keyPrefix: "code_student", ...failures }),
      device: makeLimiter({ keyPrefix: "code_device", ...failures }),
      address: makeLimiter({ keyPrefix: "code_ip", points: CODE_LIMITS.addressFailures, duration: CODE_LIMITS.windowSeconds }),
      // One judged try at a time past the free budget: taken by consume, held by block() for the pause.
      turn: makeLimiter({ keyPrefix: "code_turn", points: 1, duration: 60 }),
      noisy: makeLimiter({ keyPrefix: "code_noisy_ip", ...CODE_LIMITS.noisyRetries }),
    };
  });

export type CodeAttemptSource = { studentId: string; deviceId: string | null; ip: string };

export type CodeAttempt = {
  /** The code was wrong (`invalid_code`, `code_not_found`, `code_expired`): keep the reservation, start a pause if due. */
  failed: () => Promise<void>;
  /** Anything else (a check-in, another refusal): give the reservation back. */
  release: () => Promise<void>;
};

/** Adds one point and reports the total, whether or not the limiter's points ran out (the counters are ours to read). */
async function count(limiter: Limiter, key: string): Promise<number> {
  try {
    return (await limiter.consume(key)).consumedPoints;
  } catch (e) {
    if (!isLimiterRefusal(e)) throw e;
    return e.consumedPoints;
  }
}

function limited(msBeforeNext: number): AppError {
  const secs = retryAfterSeconds(msBeforeNext);
  return new AppError("rate_limited", `Too many wrong codes. Wait ${secs} seconds, or scan the QR code instead.`, { retryAfterSeconds: secs });
}

export async function reserveCodeAttempt({ studentId, deviceId, ip }: CodeAttemptSource): Promise<CodeAttempt> {
  const l = limiters();
  const budgets = [
    { limiter: l.student, key: studentId, turn: `s:${studentId}` },
    ...(deviceId ? [{ limiter: l.device, key: deviceId, turn: `d:${deviceId}` }] : []),
  ];
  const counts = await Promise.all(budgets.map((b) => count(b.limiter, b.key)));
  const addressCount = await count(l.address, ip);
  const turns: string[] = [];
  let lane = false;

  const giveBack = async () => {
    await Promise.all([
      ...budgets.map((b) => b.limiter.reward(b.key, 1)),
      l.address.reward(ip, 1),
      ...turns.map((t) => l.turn.delete(t)),
      ...(lane ? [l.noisy.reward(ip, 1)] : []),
    ]);
  };

  try {
    for (const [i, b] of budgets.entries()) {
      if (counts[i] <= CODE_LIMITS.freeFailures) continue;
      try {
        await l.turn.consume(b.turn);
        turns.push(b.turn);
      } catch (e) {
        if (!isLimiterRefusal(e)) throw e;
        throw limited(e.msBeforeNext);
      }
    }
    // Counts include this attempt: past the grace, the student or browser has mistyped more than a person does.
    const failedOften = counts.some((c) => c > CODE_LIMITS.noisyGrace + 1);
    if (addressCount > CODE_LIMITS.addressFailures && failedOften) {
      try {
        await l.noisy.consume(ip);
        lane = true;
      } catch (e) {
        if (!isLimiterRefusal(e)) throw e;
        throw limited(e.msBeforeNext);
      }
    }
  } catch (e) {
    await giveBack();
    throw e;
  }

  return {
    failed: async () => {
      await Promise.all(
        budgets.map((b, i) => (turns.includes(b.turn) ? l.turn.block(b.turn, pauseSeconds(counts[i] - CODE_LIMITS.freeFailures)) : null)),
      );
    },
    release: giveBack,
  };
}
