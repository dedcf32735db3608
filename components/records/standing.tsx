import type { StudentStanding } from "@/lib/model/records";
import { STATUS_LABEL, STATUS_TONE } from "@/components/session/format";
import { formatRate } from "./status";

const ORDER = ["present", "late", "absent", "excused", "unmarked"] as const;
const LABEL = { ...STATUS_LABEL, unmarked: "No record" };

/** A rate with the counts behind it: the same block for the student and for staff. */
export function StandingSummary({ standing, title = "Attendance" }: { standing: StudentStanding; title?: string }) {
  const { rate, counts } = standing;
  return (
    <div className="flex flex-wrap items-end gap-x-8 gap-y-4">
      <div>
        <p className="text-sm text-slate-600">{title}</p>
        <p className="text-4xl font-bold tabular-nums text-slate-950" data-testid="standing-rate">
          {formatRate(rate)}
        </p>
        {rate === null ? <p className="text-sm text-slate-600">No finished session counts yet.</p> : null}
      </div>
      <dl className="flex flex-wrap gap-2">
        {ORDER.map((k) => (
          <div key={k} className={`flex items-center gap-1.5 rounded-full px-3 py-1 text-sm ring-1 ring-inset ${STATUS_TONE[k]}`}>
            <dt className="font-medium">{LABEL[k]}</dt>
            <dd className="font-bold tabular-nums" data-testid={`standing-${k}`}>
              {counts[k]}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
