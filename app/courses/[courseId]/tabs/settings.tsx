import { SettingsForm } from "@/components/course/settings-form";
import { hasActiveSession } from "@/lib/courses/courses";
import type { CourseTabProps } from "../tabs";

/** The zones the platform knows, for the time-zone list (the same list the server validates against). */
function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["UTC"];
  }
}

/** Settings (owners): every course field, a new enroll code, archive and restore. */
export async function SettingsTab({ courseId, course }: CourseTabProps) {
  const { name, code, term, autoApprove, timeZone, lateCredit, warnBelowPercent, lateAfterMinutes, closeAfterMinutes, rotationSeconds, codeRotationSeconds } = course;
  return (
    <SettingsForm
      courseId={courseId}
      settings={{ name, code, term, autoApprove, timeZone, lateCredit, warnBelowPercent, lateAfterMinutes, closeAfterMinutes, rotationSeconds, codeRotationSeconds }}
      timeZones={timeZones()}
      enrollCode={course.enrollCode}
      archivedAt={course.archivedAt}
      activeSession={await hasActiveSession(courseId)}
    />
  );
}
