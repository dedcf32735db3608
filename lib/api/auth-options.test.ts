import { afterEach, describe, expect, it, vi } from "vitest";
import { authOptions } from "./auth-options";

afterEach(() => vi.restoreAllMocks());

describe("next-auth options", () => {
  it("redirects only to paths on this site, never throwing", async () => {
    const redirect = authOptions().callbacks!.redirect!;
    const base = "http://localhost:3000";
    const go = (url: string) => redirect({ url, baseUrl: base });
    expect(await go("/courses/x?y=1")).toBe(`${base}/courses/x?y=1`);
    expect(await go(`${base}/join?t=a.b`)).toBe(`${base}/join?t=a.b`);
    for (const bad of ["javascript:alert(1)", "\\\\evil.example", "//evil.example", "https://evil.example", "%2F%2Fevil", `${base}.evil.example/x`, "/login"]) {
      expect(await go(bad), bad).toBe(`${base}/dashboard`);
    }
  });

  it("logs a next-auth error once per cause and ten minutes", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const logger = authOptions().logger!;
    for (let i = 0; i < 100; i++) logger.error!("INVALID_CALLBACK_URL_ERROR" as never, new Error(`Invalid callback URL. Received: ${i}`) as never);
    logger.error!("CSRF_TOKEN_MISMATCH" as never, new Error("x") as never);
    expect(spy).toHaveBeenCalledTimes(2);
  });
});
