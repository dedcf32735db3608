import { randomBytes, randomInt } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// No 0/O, 1/I/L: enroll codes are read aloud and copied off a projector.
export const UNAMBIGUOUS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

function randomString(alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** 12 base62 characters (~71 bits): short enough to keep the QR code small. */
export function newId(): string {
  return randomString(BASE62, 12);
}

export function newEnrollCode(): string {
  return randomString(UNAMBIGUOUS, 8);
}

export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
