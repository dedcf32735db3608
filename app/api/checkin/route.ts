import { AppError, toErrorResponse } from "@/lib/api/errors";
import { clientIp, json, readJson, route } from "@/lib/api/route";
import { currentUser } from "@/lib/auth/current-user";
import { assertTokenLive, checkIn, checkinSchema } from "@/lib/attendance/checkin";
import { deviceCookie, deviceFromRequest } from "@/lib/attendance/device";
import { HELD_SCAN_MAX_AGE_MS, heldScanCookie, heldScanFromRequest } from "@/lib/attendance/held-scan";
import { now } from "@/lib/clock";

export const POST = route(async (req) => {
  const input = await readJson(req, checkinSchema);
  const secure = new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
  const device = deviceFromRequest(req);
  const cookies: string[] = device.isNew ? [deviceCookie(device.deviceId, secure)] : [];
  const user = await currentUser(req);

  if (!user) {
    // Scan, then sign in: hold a live QR scan for this browser for 5 minutes.
    if (input.token !== undefined) {
      const t = now();
      const { sessionId, courseName, courseCode } = assertTokenLive(input.token, t);
      cookies.push(heldScanCookie({ token: input.token.trim(), scannedAt: t, deviceId: device.deviceId }, secure));
      const err = new AppError("unauthenticated", `Sign in to finish checking in to ${courseName}. Your scan is saved for 5 minutes.`, {
        held: true,
        sessionId,
        courseName,
        courseCode,
      });
      return withCookies(toErrorResponse(err), cookies);
    }
    throw new AppError("unauthenticated");
  }

  let scannedAt: number | undefined;
  const held = heldScanFromRequest(req);
  if (held && input.token !== undefined && held.token === input.token.trim() && held.deviceId === device.deviceId) {
    cookies.push(heldScanCookie(null, secure));
    if (now() - held.scannedAt > HELD_SCAN_MAX_AGE_MS) {
      return withCookies(
        toErrorResponse(
          new AppError("code_expired", "Signing in took more than 5 minutes, so that scan has expired. Scan the code on the screen again.", { held: true }),
        ),
        cookies,
      );
    }
    scannedAt = held.scannedAt;
  }

  try {
    const { created, ...result } = await checkIn(input, {
      user,
      deviceId: device.deviceId,
      ip: clientIp(req),
      userAgent: req.headers.get("user-agent"),
      scannedAt,
    });
    return withCookies(json(result, created ? 201 : 200), cookies);
  } catch (e) {
    // Scan, then enroll: a live QR from a student who is not in the course yet is
    // held like a signed-out scan, so enrolling within 5 minutes still counts the scan.
    if (input.token !== undefined && e instanceof AppError && e.code === "not_enrolled") {
      cookies.push(heldScanCookie({ token: input.token.trim(), scannedAt: scannedAt ?? now(), deviceId: device.deviceId }, secure));
    }
    return withCookies(toErrorResponse(e), cookies);
  }
});

function withCookies(res: Response, cookies: string[]): Response {
  for (const c of cookies) res.headers.append("set-cookie", c);
  return res;
}
