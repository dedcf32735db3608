import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { AppError } from "../errors";
import { REPORT_LAYOUTS, type ReportLayout } from "../model/records";
import { isoDate, type DateRange, type InstantRange } from "./zoned";

// The query string of the records endpoints: `from`, `to` (YYYY-MM-DD, both
// inclusive, in the course's zone) and, for the course export, `layout`.

const querySchema = z
  .object({
    from: isoDate.nullable(),
    to: isoDate.nullable(),
    layout: z.enum(REPORT_LAYOUTS, { message: "layout is matrix or records." }).nullable(),
  })
  .refine((q) => q.from === null || q.to === null || q.from <= q.to, { message: "from must not be after to.", path: ["from"] });

export type RecordsQuery = DateRange & { layout: ReportLayout };

/**
 * Reads `from`, `to` and `layout` from a URL; anything malformed is 400
 * `invalid_input`. An empty value means "not given", as a GET form sends an
 * empty date field.
 */
export function parseRecordsQuery(params: URLSearchParams): RecordsQuery {
  const pick = (k: string) => params.get(k) || null;
  const parsed = querySchema.safeParse({ from: pick("from"), to: pick("to"), layout: pick("layout") });
  if (!parsed.success) {
    throw new AppError("invalid_input", parsed.error.issues[0]?.message, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    });
  }
  return { from: parsed.data.from, to: parsed.data.to, layout: parsed.data.layout ?? "matrix" };
}

export const ALL_DATES: DateRange = { from: null, to: null };

/** ` AND <alias>.started_at >= … AND … < …` for the bounds that are set. */
export function startedWithin(alias: string, r: InstantRange): SQL {
  const col = sql.raw(`${alias}.started_at`);
  const parts: SQL[] = [];
  if (r.fromMs !== null) parts.push(sql` AND ${col} >= ${r.fromMs}`);
  if (r.toMs !== null) parts.push(sql` AND ${col} < ${r.toMs}`);
  return parts.length ? sql.join(parts) : sql.empty();
}
