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
