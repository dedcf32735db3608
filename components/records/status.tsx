import { STATUS_LABEL, STATUS_TONE } from "@/components/session/format";
import type { AttendanceStatus } from "@/lib/model/attendance";

/** One letter per status, so the grid reads without colour (and in grey print). */
export const STATUS_LETTER: Record<AttendanceStatus, string> = { present: "P", late: "L", absent: "A", excused: "E" };

/** A grid cell: colour and letter, the full word for screen readers and on hover. */
export function StatusCell({ status }: { status: AttendanceStatus | null }) {
  if (status === null) {
    return (
      <span className="inline-flex h-7 w-7 items-center justify-center text-slate-400" title="No record">
        <span aria-hidden="true">·</span>
        <span className="sr-only">No record</span>
      </span>
    );
  }
  return (
    <span
      title={STATUS_LABEL[status]}
      className={`inline-flex h-7 w-7 items-center justify-center rounded-md text-xs font-bold ring-1 ring-inset ${STATUS_TONE[status]}`}
    >
      <span aria-hidden="true">{STATUS_LETTER[status]}</span>
      <span className="sr-only">{STATUS_LABEL[status]}</span>
    </span>
  );
}

/** The legend under a grid. */
export function StatusLegend() {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-2 text-sm text-slate-700" aria-label="Legend">
      {(Object.keys(STATUS_LETTER) as AttendanceStatus[]).map((s) => (
        <li key={s} className="flex items-center gap-1.5">
          <StatusCell status={s} />
          {STATUS_LABEL[s]}
        </li>
      ))}
      <li className="flex items-center gap-1.5">
        <StatusCell status={null} />
        No record
      </li>
    </ul>
  );
}

/** "75%", "87.5%", or "—" when nothing counts yet. */
export function formatRate(rate: number | null): string {
  if (rate === null) return "—";
  const pct = Math.round(rate * 1000) / 10;
  return `${pct}%`;
}
