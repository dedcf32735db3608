import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { allowedActions, can, COURSE_ACTIONS, requireCan } from "./permissions";

// SPEC §1 and §9 written out by hand, action × role, so a change to the table shows up here.
const EXPECTED = {
  "course.view": { owner: true, ta: true, student: false },
  "session.run": { owner: true, ta: true, student: false },
  "attendance.mark": { owner: true, ta: true, student: false },
  "history.view": { owner: true, ta: true, student: false },
  export: { owner: true, ta: true, student: false },
  "roster.manage": { owner: true, ta: true, student: false },
  "staff.view": { owner: true, ta: true, student: false },
  "staff.manage": { owner: true, ta: false, student: false },
  "settings.edit": { owner: true, ta: false, student: false },
  "enrollCode.regenerate": { owner: true, ta: false, student: false },
  "course.archive": { owner: true, ta: false, student: false },
  "attendance.checkin": { owner: false, ta: false, student: true },
  "records.own": { owner: false, ta: false, student: true },
} as const;

describe("course permissions", () => {
  it("covers every action", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...COURSE_ACTIONS].sort());
  });

  for (const action of COURSE_ACTIONS) {
    for (const role of ["owner", "ta", "student"] as const) {
      const allowed = EXPECTED[action][role];
      it(`${role} ${allowed ? "may" : "may not"} ${action}`, () => {
        expect(can(role, action)).toBe(allowed);
        expect(allowedActions(role)[action]).toBe(allowed);
        if (allowed) expect(() => requireCan(role, action)).not.toThrow();
        else expect(() => requireCan(role, action)).toThrow(AppError);
      });
    }
    it(`nobody without a role may ${action}`, () => {
      expect(can(null, action)).toBe(false);
      expect(can(undefined, action)).toBe(false);
      try {
        requireCan(null, action);
        expect.unreachable();
      } catch (e) {
        expect((e as AppError).code).toBe("forbidden");
      }
    });
  }
});
