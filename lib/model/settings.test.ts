import { describe, expect, it } from "vitest";
import { courseTermFields, isTimeZone } from "./settings";

describe("course term settings", () => {
  it("accepts IANA zones the platform knows, and UTC", () => {
    for (const z of ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Etc/UTC"]) expect(isTimeZone(z), z).toBe(true);
    for (const z of ["", "Mars/Olympus", "GMT+25", "europe berlin", "Europe/Berlin; DROP"]) expect(isTimeZone(z), z).toBe(false);
  });

  it("bounds late credit to 0..1 and the warning threshold to 0..100", () => {
    expect(courseTermFields.lateCredit.safeParse(0.5).success).toBe(true);
    expect(courseTermFields.lateCredit.safeParse(1.5).success).toBe(false);
    expect(courseTermFields.warnBelowPercent.safeParse(0).success).toBe(true);
    expect(courseTermFields.warnBelowPercent.safeParse(101).success).toBe(false);
  });
});
