import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ATTENDANCE_STATUSES } from "../model/vocabulary";
import { attendanceRate, averageRate, isAtRisk, tally } from "./rate";

const count = fc.integer({ min: 0, max: 200 });
const counts = fc.record({ present: count, late: count, absent: count, excused: count, unmarked: count });
// Credits in hundredths, so the exact answer can be computed in integers.
const creditHundredths = fc.integer({ min: 0, max: 100 });
const threshold = fc.integer({ min: 0, max: 100 });

describe("the attendance rate (SPEC §10)", () => {
  it("matches the spec's worked figures", () => {
    expect(attendanceRate({ present: 2, late: 2, absent: 0 }, 0.5)).toBe(0.75);
    expect(attendanceRate({ present: 2, late: 2, absent: 0 }, 1)).toBe(1);
    expect(attendanceRate({ present: 1, late: 2, absent: 1 }, 0.5)).toBe(0.5);
    expect(attendanceRate({ present: 0, late: 0, absent: 0 }, 1)).toBeNull();
  });

  it("is null exactly when no session counts, and otherwise between 0 and 1", () => {
    fc.assert(
      fc.property(counts, creditHundredths, (c, h) => {
        const r = attendanceRate(c, h / 100);
        if (c.present + c.late + c.absent === 0) return r === null;
        return r !== null && r >= 0 && r <= 1 + 1e-12;
      }),
    );
  });

  it("never counts excused or unmarked sessions", () => {
    fc.assert(
      fc.property(counts, count, count, creditHundredths, (c, moreExcused, moreUnmarked, h) => {
        const more = { ...c, excused: c.excused + moreExcused, unmarked: c.unmarked + moreUnmarked };
        expect(attendanceRate(more, h / 100)).toBe(attendanceRate(c, h / 100));
        expect(isAtRisk(more, { lateCredit: h / 100, warnBelowPercent: 80 })).toBe(isAtRisk(c, { lateCredit: h / 100, warnBelowPercent: 80 }));
      }),
    );
  });

  it("weights a late by lateCredit: 1 counts it as present, 0 as absent", () => {
    fc.assert(
      fc.property(counts, (c) => {
        expect(attendanceRate(c, 1)).toBe(attendanceRate({ present: c.present + c.late, late: 0, absent: c.absent }, 1));
        expect(attendanceRate(c, 0)).toBe(attendanceRate({ present: c.present, late: 0, absent: c.absent + c.late }, 0));
      }),
    );
  });

  it("never falls when a late earns more credit or an absence becomes a presence", () => {
    fc.assert(
      fc.property(counts.filter((c) => c.present + c.late + c.absent > 0), creditHundredths, creditHundredths, (c, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(attendanceRate(c, hi / 100)!).toBeGreaterThanOrEqual(attendanceRate(c, lo / 100)! - 1e-12);
        if (c.absent > 0) {
          const better = { ...c, absent: c.absent - 1, present: c.present + 1 };
          expect(attendanceRate(better, lo / 100)!).toBeGreaterThanOrEqual(attendanceRate(c, lo / 100)! - 1e-12);
        }
      }),
    );
  });
});

describe("at risk (SPEC §10)", () => {
  it("agrees with exact integer arithmetic, including right on the threshold", () => {
    fc.assert(
      fc.property(counts, creditHundredths, threshold, (c, h, warn) => {
        const n = c.present + c.late + c.absent;
        // rate × 100 < warn  ⇔  (100·present + h·late) × 100 < warn × 100 × n
        const exact = warn > 0 && n >= 3 && (100 * c.present + h * c.late) * 100 < warn * 100 * n;
        expect(isAtRisk(c, { lateCredit: h / 100, warnBelowPercent: warn })).toBe(exact);
      }),
      { numRuns: 2000 },
    );
  });

  it("needs at least three counted sessions", () => {
    const s = { lateCredit: 1, warnBelowPercent: 80 };
    expect(isAtRisk({ present: 0, late: 0, absent: 2 }, s)).toBe(false);
    expect(isAtRisk({ present: 0, late: 0, absent: 3 }, s)).toBe(true);
    fc.assert(fc.property(counts.filter((c) => c.present + c.late + c.absent < 3), (c) => !isAtRisk(c, { lateCredit: 0, warnBelowPercent: 100 })));
  });

  it("is off when warnBelowPercent is 0, and 4 of 5 is not below 80 %", () => {
    fc.assert(fc.property(counts, creditHundredths, (c, h) => !isAtRisk(c, { lateCredit: h / 100, warnBelowPercent: 0 })));
    expect(isAtRisk({ present: 4, late: 0, absent: 1 }, { lateCredit: 1, warnBelowPercent: 80 })).toBe(false);
    expect(isAtRisk({ present: 57, late: 0, absent: 43 }, { lateCredit: 1, warnBelowPercent: 57 })).toBe(false);
  });
});

describe("tally", () => {
  it("counts ended sessions only, a missing record as unmarked", () => {
    const status = fc.constantFrom(null, ...ATTENDANCE_STATUSES);
    fc.assert(
      fc.property(fc.array(fc.record({ ended: fc.boolean(), status })), (list) => {
        const c = tally(list);
        const ended = list.filter((s) => s.ended);
        expect(c.present + c.late + c.absent + c.excused + c.unmarked).toBe(ended.length);
        expect(c.unmarked).toBe(ended.filter((s) => s.status === null).length);
        expect(c.late).toBe(ended.filter((s) => s.status === "late").length);
      }),
    );
  });

  it("averages only the rates that exist", () => {
    expect(averageRate([null, null])).toBeNull();
    expect(averageRate([0.5, null, 1])).toBe(0.75);
  });
});
