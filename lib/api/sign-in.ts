import { withTrust } from "../auth/trusted-devices";
import type { SignInClient } from "../auth/users";
import { isDeviceId, newDeviceId } from "../attendance/device";
import { requestAddress } from "./client-address";
import { DEVICE_COOKIE, deviceCookie, parseCookies, trustCookie, trustMarksFromCookies } from "./cookies";

type HeaderSource = Parameters<typeof requestAddress>[0];

function header(headers: HeaderSource, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as { get?: unknown }).get === "function") return (headers as { get(n: string): string | null }).get(name);
  const v = (headers as Record<string, unknown>)[name];
  return typeof v === "string" ? v : null;
}

/** The signing-in client as the limits see it, from a request's headers (a route, next-auth's authorize, a server action). */
export function signInClient(headers: HeaderSource): SignInClient {
  const cookie = header(headers, "cookie");
  const device = parseCookies(cookie).get(DEVICE_COOKIE);
  return { ip: requestAddress(headers), deviceId: device && isDeviceId(device) ? device : null, trustMarks: trustMarksFromCookies(cookie) };
}

/**
 * After a successful sign-in: the cookies that make this browser trusted for
 * the account next time (and give it a device id if it had none).
 */
export function signedInCookies(userId: string, client: SignInClient, secure: boolean): string[] {
  const deviceId = client.deviceId ?? newDeviceId();
  const out = [trustCookie(withTrust(client.trustMarks, userId, deviceId), secure)];
  if (!client.deviceId) out.unshift(deviceCookie(deviceId, secure));
  return out;
}
