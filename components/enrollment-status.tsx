import { ENROLLMENT_STATUS_LABEL, type EnrollmentStatus } from "@/lib/model/vocabulary";

const TONE: Record<EnrollmentStatus, string> = {
  approved: "bg-emerald-100 text-emerald-800",
  pending: "bg-amber-100 text-amber-900",
  rejected: "bg-red-100 text-red-800",
  dropped: "bg-slate-100 text-slate-700",
};

/** An enrollment's status as a chip, worded the same for the teacher and the student. */
export function EnrollmentStatusChip({ status, className = "" }: { status: EnrollmentStatus; className?: string }) {
  return <span className={`rounded-full px-2.5 py-1 text-xs font-semibold ${TONE[status]} ${className}`}>{ENROLLMENT_STATUS_LABEL[status]}</span>;
}
