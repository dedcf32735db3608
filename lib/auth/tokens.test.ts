import { hkdfSync } from "node:crypto";
import { EncryptJWT } from "jose";
import { decode, encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { decodeToken, issueToken, readToken } from "./tokens";

const SECRET = process.env.AUTH_SECRET!;
const user = { id: "u1", kind: "student" as const, name: "Ada Lovelace", email: "ada@rollcall.test" };

describe("token decoding with the key derived once", () => {
  it("reads what next-auth encodes (bearer tokens and session cookies alike), as next-auth's own decode does", async () => {
    const { token } = await issueToken(user);
    const ours = await decodeToken(token, SECRET);
    expect(ours).toEqual(await decode({ token, secret: SECRET }));
    expect(ours).toMatchObject({ sub: "u1", kind: "student", name: "Ada Lovelace", email: "ada@rollcall.test" });
    expect(await readToken(token)).toMatchObject({ sub: "u1" });

    const cookie = await encode({ token: { sub: "u2", name: "Ben" }, secret: SECRET });
    expect(await decodeToken(cookie, SECRET)).toMatchObject({ sub: "u2", name: "Ben" });
  });

  it("refuses another secret, a tampered token, an expired one, other algorithms and garbage", async () => {
    const { token } = await issueToken(user);
    expect(await decodeToken(token, `${SECRET}-rotated`)).toBeNull();
    // The secret changed and changed back: the key follows.
    expect(await decodeToken(token, SECRET)).not.toBeNull();

    const parts = token.split(".");
    const flipped = parts[3][0] === "A" ? `B${parts[3].slice(1)}` : `A${parts[3].slice(1)}`;
    expect(await decodeToken([parts[0], parts[1], parts[2], flipped, parts[4]].join("."), SECRET)).toBeNull();

    const expired = await encode({ token: { sub: "u1" }, secret: SECRET, maxAge: -60 });
    expect(await decodeToken(expired, SECRET)).toBeNull();
    expect(await readToken(expired)).toBeNull();

    // Same key, another content encryption than next-auth's: refused.
    const key = new Uint8Array(hkdfSync("sha256", SECRET, "", "NextAuth.js Generated Encryption Key", 32)).slice(0, 16);
    const other = await new EncryptJWT({ sub: "u1" }).setProtectedHeader({ alg: "dir", enc: "A128GCM" }).setExpirationTime("1h").encrypt(key);
    expect(await decodeToken(other, SECRET)).toBeNull();

    for (const junk of ["", "abc", "a.b.c.d.e", "x".repeat(5000)]) expect(await readToken(junk)).toBeNull();
  });
});
