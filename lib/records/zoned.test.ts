import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { instantRange, isoDate, nextDay, offsetMinutes, startOfZonedDay, zonedDate, zonedDateTime, zonedIso } from "./zoned";

// Zones with half and three-quarter hours, both date-line extremes, and
// daylight-saving changes at midnight (the day then starts at 01:00).
const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "America/Los_Angeles",
  "America/St_Johns",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "Pacific/Kiritimati",
  "Pacific/Pago_Pago",
  "America/Santiago",
  "America/Havana",
  "Asia/Beirut",
  "America/Asuncion",
  "Pacific/Apia",
];

const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) });
const zone = fc.constantFrom(...ZONES);

/** The wall clock straight from Intl, for comparison with the cached arithmetic. */
function intlDateTime(t: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(new Date(t))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour === "24" ? "00" : parts.hour}:${parts.minute}`;
}

// Instants near daylight-saving changes, where a cached offset would go wrong first.
const TRANSITIONS = [
  Date.UTC(2026, 2, 29, 1), // Europe/Berlin forward
  Date.UTC(2026, 9, 25, 1), // Europe/Berlin back
  Date.UTC(2026, 2, 8, 7), // America/New_York forward
  Date.UTC(2026, 10, 1, 6), // America/New_York back
  Date.UTC(2026, 8, 6, 4), // America/Santiago forward at midnight
  Date.UTC(2026, 3, 5, 15), // Australia/Lord_Howe back by half an hour
];

describe("dates in the course's zone", () => {
  it("reads the wall clock as Intl does, also within minutes of a daylight-saving change", () => {
    const near = fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 })).map(([t, d]) => t + d);
    fc.assert(
      fc.property(fc.oneof(instant, near), zone, (t, z) => {
        expect(zonedDateTime(t, z)).toBe(intlDateTime(t, z));
      }),
      { numRuns: 3000 },
    );
  });

  it("writes the wall clock with the zone's offset, and the ISO form reads back as the same instant", () => {
    const t = Date.UTC(2026, 8, 1, 7, 5, 9, 500);
    expect(zonedDateTime(t, "Europe/Berlin")).toBe("2026-09-01 09:05");
    expect(zonedIso(t, "Europe/Berlin")).toBe("2026-09-01T09:05:09+02:00");
    expect(zonedIso(t, "UTC")).toBe("2026-09-01T07:05:09+00:00");
    expect(zonedIso(t, "America/St_Johns")).toBe("2026-09-01T04:35:09-02:30");
    expect(zonedDate(Date.UTC(2026, 8, 1, 23, 30), "Asia/Kolkata")).toBe("2026-09-02");
    fc.assert(
      fc.property(instant, zone, (t, z) => {
        expect(Date.parse(zonedIso(t, z))).toBe(Math.floor(t / 1000) * 1000);
        expect(zonedIso(t, z).slice(0, 16).replace("T", " ")).toBe(zonedDateTime(t, z));
      }),
      { numRuns: 500 },
    );
  });

  it("finds the first instant of every day, also where midnight does not exist", () => {
    fc.assert(
      fc.property(instant, zone, (t, z) => {
        const day = zonedDate(t, z);
        const start = startOfZonedDay(day, z);
        expect(start).toBeLessThanOrEqual(t);
        expect(zonedDate(start, z)).toBe(day);
        expect(zonedDate(start - 1, z) < day).toBe(true);
      }),
      { numRuns: 500 },
    );
    // Chile springs forward at midnight: 2026-09-06 begins at 01:00 local (04:00 UTC).
    expect(zonedIso(startOfZonedDay("2026-09-06", "America/Santiago"), "America/Santiago")).toBe("2026-09-06T01:00:00-03:00");
    expect(offsetMinutes(startOfZonedDay("2026-09-06", "America/Santiago"), "America/Santiago")).toBe(-180);
    // Samoa skipped 30 December 2011: that day covers no instant at all.
    expect(startOfZonedDay("2011-12-30", "Pacific/Apia")).toBe(startOfZonedDay("2011-12-31", "Pacific/Apia"));
  });

  it("turns from/to (both inclusive) into [start of from, start of the day after to)", () => {
    const r = instantRange({ from: "2026-03-29", to: "2026-03-29" }, "Europe/Berlin");
    // The day the clocks go forward is 23 hours long.
    expect(r).toEqual({ fromMs: Date.UTC(2026, 2, 28, 23), toMs: Date.UTC(2026, 2, 29, 22) });
    expect(instantRange({ from: null, to: null }, "UTC")).toEqual({ fromMs: null, toMs: null });
    expect(nextDay("2028-02-28")).toBe("2028-02-29");
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
  });

  it("accepts only real dates written YYYY-MM-DD", () => {
    for (const ok of ["2026-09-01", "2028-02-29", "1970-01-01"]) expect(isoDate.safeParse(ok).success, ok).toBe(true);
    for (const bad of ["2026-02-30", "2026-13-01", "2026-9-1", "01.09.2026", "2026-09-01T00:00", "", "tomorrow", "0000-01-01"])
      expect(isoDate.safeParse(bad).success, bad).toBe(false);
  });
});
