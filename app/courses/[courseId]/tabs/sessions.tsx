import { HistoryTable } from "@/components/records/history-table";
import { Card } from "@/components/ui/card";
import { staffHistory } from "@/lib/records/history";
import { ALL_DATES } from "@/lib/records/range";
import type { CourseTabProps } from "../tabs";

/** Every session of the course with its counts and rate, live. */
export async function SessionsTab({ courseId, course }: CourseTabProps) {
  const sessions = await staffHistory(course, ALL_DATES);
  return (
    <Card>
      <h2 className="mb-3 text-lg font-semibold">Sessions</h2>
      <HistoryTable courseId={courseId} initial={sessions} />
    </Card>
  );
}
