import type { RateSettings, StudentStanding, TermCounts } from "../model/records";
import type { AttendanceStatus } from "../model/vocabulary";

// The one rate and at-risk rule of SPEC §10. Every endpoint, page and export
// takes its figures from here.

/** A student needs this many counted sessions before a low rate is a warning. */
export const AT_RISK_MIN_SESSIONS = 3;

export type RateCounts = Pick<TermCounts, "present" | "late" | "absent">;

/** Sessions that count: present, late and absent. Excused and unmarked never do. */
export function countedSessions(c: RateCounts): number {
  return c.present + c.late + c.absent;
}

/** (present + late × lateCredit) / (present + late + absent), or null when nothing counts. */
export function attendanceRate(c: RateCounts, lateCredit: number): number | null {
  const n = countedSessions(c);
  return n === 0 ? null : (c.present + c.late * lateCredit) / n;
}

/**
 * At risk: warnings on (`warnBelowPercent` > 0), at least three sessions
 * count, and rate × 100 < warnBelowPercent. Compared without dividing, so a
 * rate exactly on the threshold (4 of 5 at 80 %) is never pushed below it by
 * floating-point rounding.
 */
export function isAtRisk(c: RateCounts, s: RateSettings): boolean {
  const n = countedSessions(c);
  if (s.warnBelowPercent <= 0 || n < AT_RISK_MIN_SESSIONS) return false;
  const attended = c.present + c.late * s.lateCredit;
  return s.warnBelowPercent * n - attended * 100 > 1e-9 * n;
}

export function standing(counts: TermCounts, s: RateSettings): StudentStanding {
  return { counts, rate: attendanceRate(counts, s.lateCredit), atRisk: isAtRisk(counts, s) };
}

export function emptyCounts(): TermCounts {
  return { present: 0, late: 0, absent: 0, excused: 0, unmarked: 0 };
}

/**
 * Tallies one student's sessions: only ended sessions count (an open one is
 * not final yet); an ended session without a record is `unmarked`.
 */
export function tally(sessions: Iterable<{ ended: boolean; status: AttendanceStatus | null }>): TermCounts {
  const c = emptyCounts();
  for (const s of sessions) {
    if (!s.ended) continue;
    if (s.status === null) c.unmarked += 1;
    else c[s.status] += 1;
  }
  return c;
}

/** The mean of the rates that exist, or null when no student has one. */
export function averageRate(rates: Array<number | null>): number | null {
  let sum = 0;
  let n = 0;
  for (const r of rates) {
    if (r === null) continue;
    sum += r;
    n += 1;
  }
  return n === 0 ? null : sum / n;
}
