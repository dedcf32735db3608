import { describe, expect, it } from "vitest";
import { safeCallbackUrl, withCallback } from "./callback-url";

describe("safeCallbackUrl", () => {
  it("keeps paths on this site, with their query and hash", () => {
    expect(safeCallbackUrl("/courses/abc")).toBe("/courses/abc");
    expect(safeCallbackUrl("/join?t=abc.0.12.xyz")).toBe("/join?t=abc.0.12.xyz");
    expect(safeCallbackUrl("/enroll/ABCD2345#top")).toBe("/enroll/ABCD2345#top");
    expect(safeCallbackUrl(["/dashboard", "/evil"])).toBe("/dashboard");
  });

  it("falls back to /dashboard for anything that could leave the site", () => {
    for (const bad of [
      undefined,
      null,
      "",
      "dashboard",
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "/\\/evil.example",
      "\\\\evil.example",
      "javascript:alert(1)",
      "/%0a//evil.example".replace("%0a", "\n"),
      " /dashboard",
      "/" + "a".repeat(3000),
      "/%FF",
      "/join?t=%E0%A4%A",
    ]) {
      expect(safeCallbackUrl(bad), String(bad)).toBe("/dashboard");
    }
  });

  it("does not send a signed-in visitor back to the sign-in pages", () => {
    expect(safeCallbackUrl("/login?callbackUrl=/x")).toBe("/dashboard");
    expect(safeCallbackUrl("/register")).toBe("/dashboard");
  });

  it("normalises dot segments without escaping the origin", () => {
    expect(safeCallbackUrl("/a/../../courses/x")).toBe("/courses/x");
  });
});

describe("withCallback", () => {
  it("carries a non-default target between the sign-in pages", () => {
    expect(withCallback("/register", "/dashboard")).toBe("/register");
    expect(withCallback("/register", "/join?t=a.b")).toBe("/register?callbackUrl=%2Fjoin%3Ft%3Da.b");
  });
});
