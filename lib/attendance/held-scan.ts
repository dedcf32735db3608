import { now } from "../clock";
import { AppError } from "../errors";
import type { PublicUser } from "../model/vocabulary";
import { assertTokenLive, checkIn, type CheckinInput, type CheckinOutcome } from "./checkin";

/**
 * Scan, then sign in — and scan, then enroll (SPEC §3). A live QR scan from
 * someone who cannot be checked in yet is held for this browser (the
 * transport keeps it, signed and bound to the device id) and honoured as of
 * the moment of the scan if they finish within five minutes.
 */
export type HeldScan = { token: string; scannedAt: number; deviceId: string };

export const HELD_SCAN_MAX_AGE_MS = 5 * 60 * 1000;

export type ScanContext = {
  user: PublicUser | null;
  /** Always known on this path: the transport makes one for a browser that had none. */
  deviceId: string;
  ip: string;
  userAgent: string | null;
  /** The scan this browser holds, if any. */
  held: HeldScan | null;
  /** Keeps (a scan) or forgets (null) the held scan; called before the outcome is known. */
  hold: (scan: HeldScan | null) => void;
};

/**
 * The scan this browser holds, when this check-in is for that very token from
 * the same device. Shared by REST and the socket (which reads the held scan
 * from its handshake's cookies).
 */
export function matchingHeldScan(input: CheckinInput, held: HeldScan | null, deviceId: string | null): HeldScan | null {
  const token = input.token?.trim();
  return held && token !== undefined && held.token === token && held.deviceId === deviceId ? held : null;
}

/** The moment a held scan counts as, or `code_expired` when signing in took too long. */
export function heldScanTime(held: HeldScan): number {
  if (now() - held.scannedAt > HELD_SCAN_MAX_AGE_MS) {
    throw new AppError("code_expired", "Signing in took more than 5 minutes, so that scan has expired. Scan the code on the screen again.", {
      held: true,
    });
  }
  return held.scannedAt;
}

export async function checkInHoldingScans(input: CheckinInput, ctx: ScanContext): Promise<CheckinOutcome> {
  const token = input.token?.trim();
  if (!ctx.user) {
    if (token === undefined) throw new AppError("unauthenticated");
    const t = now();
    const { sessionId, courseName, courseCode } = await assertTokenLive(token, t);
    ctx.hold({ token, scannedAt: t, deviceId: ctx.deviceId });
    throw new AppError("unauthenticated", `Sign in to finish checking in to ${courseName}. Your scan is saved for 5 minutes.`, {
      held: true,
      sessionId,
      courseName,
      courseCode,
    });
  }

  let scannedAt: number | undefined;
  const held = matchingHeldScan(input, ctx.held, ctx.deviceId);
  if (held) {
    ctx.hold(null);
    scannedAt = heldScanTime(held);
  }

  try {
    return await checkIn(input, { user: ctx.user, deviceId: ctx.deviceId, ip: ctx.ip, userAgent: ctx.userAgent, scannedAt });
  } catch (e) {
    // Not enrolled yet: held like a signed-out scan, so joining with the enroll code within 5 minutes still counts it.
    if (token !== undefined && e instanceof AppError && e.code === "not_enrolled") {
      ctx.hold({ token, scannedAt: scannedAt ?? now(), deviceId: ctx.deviceId });
    }
    throw e;
  }
}
