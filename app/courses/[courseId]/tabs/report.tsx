import { ReportView } from "@/components/records/report-view";
import { Alert } from "@/components/ui/alert";
import { isAppError } from "@/lib/errors";
import { ALL_DATES, parseRecordsQuery } from "@/lib/records/range";
import { courseReport } from "@/lib/records/report";
import type { CourseTabProps, SearchParams } from "../tabs";

function rangeFrom(searchParams: SearchParams) {
  const q = new URLSearchParams();
  for (const k of ["from", "to"]) {
    const v = searchParams[k];
    if (typeof v === "string") q.set(k, v);
  }
  try {
    const { from, to } = parseRecordsQuery(q);
    return { range: { from, to }, error: null };
  } catch (e) {
    if (isAppError(e)) return { range: ALL_DATES, error: e.message };
    throw e;
  }
}

/** Students × sessions with rates, charts, date range and export. */
export async function ReportTab({ user, courseId, searchParams }: CourseTabProps) {
  const { range, error } = rangeFrom(searchParams);
  const report = await courseReport(user, courseId, range);
  return (
    <div className="flex flex-col gap-4">
      {error ? <Alert tone="error">Those dates could not be used ({error}) — showing every date.</Alert> : null}
      <ReportView key={`${range.from}|${range.to}`} courseId={courseId} initial={report} range={range} />
    </div>
  );
}
