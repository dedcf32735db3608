import { randomBytes } from "node:crypto";

/** A browser's device id (SPEC §3, one device one student): random, unguessable, long-lived. */
export const isDeviceId = (v: string) => /^[A-Za-z0-9_-]{16,64}$/.test(v);

export function newDeviceId(): string {
  return randomBytes(18).toString("base64url");
}
