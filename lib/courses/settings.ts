import { sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit";
import { now } from "../clock";
import { getDb, isUniqueViolation } from "../db/client";
import { publish } from "../events";
import { newEnrollCode } from "../ids";
import { courseTermFields, sessionSettingsFields } from "../model/settings";
import type { PublicUser } from "../model/vocabulary";
import { authorize, findCourse, lockCourse } from "./access";
import { courseDto, createCourseSchema, enrollUrl } from "./courses";

const nameFields = createCourseSchema.shape;

/** SPEC §9: any of the course's fields; each validated as when the course was made. Unknown fields are ignored. */
export const updateCourseSchema = z
  .object({
    name: nameFields.name,
    // null or "" clears the short code or the term.
    code: z.string().trim().max(20).nullable().transform((v) => v || null),
    term: z.string().trim().max(40).nullable().transform((v) => v || null),
    autoApprove: z.boolean({ message: "Choose on or off." }),
    timeZone: courseTermFields.timeZone,
    lateCredit: courseTermFields.lateCredit,
    warnBelowPercent: courseTermFields.warnBelowPercent,
    lateAfterMinutes: sessionSettingsFields.lateAfterMinutes,
    closeAfterMinutes: sessionSettingsFields.closeAfterMinutes,
    rotationSeconds: sessionSettingsFields.rotationSeconds,
    codeRotationSeconds: sessionSettingsFields.codeRotationSeconds,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, "Send at least one setting to change.");

export type CourseUpdate = z.infer<typeof updateCourseSchema>;

const COLUMNS: Record<keyof CourseUpdate, string> = {
  name: "name",
  code: "code",
  term: "term",
  autoApprove: "auto_approve",
  timeZone: "time_zone",
  lateCredit: "late_credit",
  warnBelowPercent: "warn_below_percent",
  lateAfterMinutes: "late_after_minutes",
  closeAfterMinutes: "close_after_minutes",
  rotationSeconds: "rotation_seconds",
  codeRotationSeconds: "code_rotation_seconds",
};

/**
 * The owner changes settings. New sessions take the new defaults; a running
 * session keeps the ones it started with (they are copied onto the session).
 * Audited with the fields' values before and after.
 */
export async function updateCourse(actor: PublicUser, courseId: string, input: CourseUpdate) {
  return getDb().transaction(async (tx) => {
    const { course, role } = await authorize(actor.id, courseId, "settings.edit", tx);
    const changed = (Object.keys(input) as Array<keyof CourseUpdate>).filter((k) => input[k] !== undefined && input[k] !== course[k]);
    if (changed.length === 0) return courseDto(course, role);
    await lockCourse(tx, courseId);
    const assignments = sql.join(
      changed.map((k) => sql`${sql.raw(COLUMNS[k])} = ${input[k] ?? null}`),
      sql`, `,
    );
    await tx.run(sql`UPDATE courses SET ${assignments} WHERE id = ${courseId}`);
    const pick = (o: Record<string, unknown>) => JSON.stringify(Object.fromEntries(changed.map((k) => [k, o[k] ?? null])));
    await audit(tx, { at: now(), actorId: actor.id, entity: "course", action: "settings", courseId, subjectId: courseId, from: pick(course), to: pick(input) });
    publish(tx, { type: "course.updated", courseId, change: "settings" });
    const updated = (await findCourse(courseId, tx))!;
    return courseDto(updated, role);
  });
}

/** A new enroll code; the old one finds nothing from this commit on (SPEC §9). */
export async function regenerateEnrollCode(actor: PublicUser, courseId: string): Promise<{ enrollCode: string; enrollUrl: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const code = await getDb().transaction(async (tx) => {
        const { course } = await authorize(actor.id, courseId, "enrollCode.regenerate", tx);
        const next = newEnrollCode();
        await tx.run(sql`UPDATE courses SET enroll_code = ${next} WHERE id = ${courseId}`);
        await audit(tx, { at: now(), actorId: actor.id, entity: "course", action: "enroll_code", courseId, subjectId: courseId, from: course.enrollCode, to: next });
        publish(tx, { type: "course.updated", courseId, change: "enrollCode" });
        return next;
      });
      return { enrollCode: code, enrollUrl: enrollUrl(code) };
    } catch (e) {
      // 31^8 codes: a collision is rare enough that one more try settles it.
      if (!isUniqueViolation(e) || attempt >= 3) throw e;
    }
  }
}
