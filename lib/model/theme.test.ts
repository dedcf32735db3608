import { describe, expect, it } from "vitest";
import { parseTheme, storedTheme, themeAttribute } from "./theme";

describe("theme choice", () => {
  it("accepts light and dark, anything else follows the system", () => {
    expect(parseTheme("dark")).toBe("dark");
    expect(parseTheme("light")).toBe("light");
    expect(parseTheme("Dark")).toBe("system");
    expect(parseTheme(undefined)).toBe("system");
  });

  it("reads its own cookie among others", () => {
    expect(storedTheme("a=1; rollcall-theme=dark; b=2")).toBe("dark");
    expect(storedTheme("not-rollcall-theme=dark")).toBe("system");
    expect(storedTheme("")).toBe("system");
  });

  it("puts no attribute on <html> for the system setting", () => {
    expect(themeAttribute("system")).toBeUndefined();
    expect(themeAttribute("light")).toBe("light");
  });
});
