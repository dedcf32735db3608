import { z } from "zod";

// A session's timing settings: a course's defaults, overridden when a session
// starts. Messages are shown next to the form fields, so they say what is allowed.
const wholeNumber = (range: string) => z.number({ message: `Enter a whole number, ${range}.` }).int(`Enter a whole number, ${range}.`);

export const sessionSettingsFields = {
  lateAfterMinutes: wholeNumber("0 to 1440 minutes").min(0, "Use 0 to 1440 minutes.").max(24 * 60, "Use 0 to 1440 minutes."),
  closeAfterMinutes: wholeNumber("1 to 1440 minutes")
    .min(1, "Use 1 to 1440 minutes, or leave it empty.")
    .max(24 * 60, "Use 1 to 1440 minutes, or leave it empty.")
    .nullable(),
  rotationSeconds: wholeNumber("5 to 300 seconds").min(5, "Use 5 to 300 seconds.").max(300, "Use 5 to 300 seconds."),
  codeRotationSeconds: wholeNumber("0 to 3600 seconds").min(0, "Use 0 (fixed) to 3600 seconds.").max(3600, "Use 0 (fixed) to 3600 seconds."),
};

export const sessionSettingsSchema = z.object(sessionSettingsFields);
export type SessionSettings = z.infer<typeof sessionSettingsSchema>;

/** SPEC §2 defaults for a new course. */
export const DEFAULT_SESSION_SETTINGS: SessionSettings = {
  lateAfterMinutes: 10,
  closeAfterMinutes: null,
  rotationSeconds: 10,
  codeRotationSeconds: 30,
};

/** Starting a session may override any of the course's defaults, and give it a title. */
export const startSessionSchema = sessionSettingsSchema.partial().extend({
  title: z.string().trim().max(120).optional(),
});
export type StartSessionInput = z.infer<typeof startSessionSchema>;

/**
 * An IANA zone name the platform's time-zone database knows ("Europe/Berlin",
 * also links like "Asia/Kolkata"); not a bare offset, which has no daylight
 * saving and no place.
 */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// A course's term settings (SPEC §9): the zone server-written text and date filters use, how much a late counts
// in the rate, and the at-risk threshold.
export const courseTermFields = {
  timeZone: z.string().trim().max(64).refine(isTimeZone, "Choose a time zone from the list, like Europe/Berlin or America/New_York."),
  lateCredit: z.number({ message: "Enter a number from 0 to 1." }).min(0, "Use 0 to 1: 1 counts a late as present, 0 as absent.").max(1, "Use 0 to 1: 1 counts a late as present, 0 as absent."),
  warnBelowPercent: z.number({ message: "Enter a percentage from 0 to 100." }).min(0, "Use 0 to 100 (0 turns warnings off).").max(100, "Use 0 to 100 (0 turns warnings off)."),
};

export const DEFAULT_TERM_SETTINGS = { timeZone: "UTC", lateCredit: 1, warnBelowPercent: 80 } as const;
