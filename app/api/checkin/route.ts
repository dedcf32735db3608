import { requestAddress } from "@/lib/api/client-address";
import { deviceCookie, deviceFromRequest, heldScanCookie, heldScanFromRequest, isSecureRequest } from "@/lib/api/cookies";
import { json, methods, readJson, route } from "@/lib/api/route";
import { checkinSchema } from "@/lib/attendance/checkin";
import { checkInHoldingScans } from "@/lib/attendance/held-scan";
import { currentUser } from "@/lib/auth/current-user";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: route(async (req, _params, response) => {
    const input = await readJson(req, checkinSchema);
    const secure = isSecureRequest(req);
    const device = deviceFromRequest(req);
    if (device.isNew) response.setCookie(deviceCookie(device.deviceId, secure));
    const { result, created } = await checkInHoldingScans(input, {
      user: await currentUser(req),
      deviceId: device.deviceId,
      ip: requestAddress(req.headers),
      userAgent: req.headers.get("user-agent"),
      held: heldScanFromRequest(req),
      hold: (scan) => response.setCookie(heldScanCookie(scan, secure)),
    });
    return json(result, created ? 201 : 200);
  }),
});
