import Link from "next/link";
import { formatRate } from "./status";

/**
 * The student's own warning (SPEC §12): what the number is, what the course
 * asks for, and what can be done about it; never a reprimand.
 */
export function AtRiskWarning({ courseName, rate, warnBelowPercent, href }: { courseName: string; rate: number | null; warnBelowPercent: number; href?: string }) {
  return (
    <div role="status" className="rounded-xl border border-amber-300 bg-amber-50 px-4 py-3 text-amber-950" data-testid="at-risk-warning">
      <p className="font-semibold">
        Your attendance in {courseName} is {formatRate(rate)}, below the {warnBelowPercent}% the course asks for.
      </p>
      <p className="mt-1 text-sm">
        Every class you come to from now on brings it up. If you missed a class for a reason, like illness or a clash, talk to your teacher: they can
        mark it as excused.
        {href ? (
          <>
            {" "}
            <Link href={href} className="font-semibold underline underline-offset-2">
              See your sessions
            </Link>
          </>
        ) : null}
      </p>
    </div>
  );
}
