import Papa from "papaparse";
import { z } from "zod";
import { AppError } from "../errors";
import { emailKey, emailSchema } from "../model/email";

/**
 * Reading a class list (SPEC §9): a CSV export from the registrar or a
 * spreadsheet, or the JSON form `{ students: [...] }`. Pure: no database.
 * Every data row keeps its line in the file (its position in the JSON list),
 * so each problem can be reported where the teacher will look for it.
 */

/** At most this many students per import (SPEC §9 `too_large`). */
export const MAX_ROSTER_ROWS = 5000;

export type RosterRow = { line: number; email: string; name: string | null; studentNumber: string | null };
export type InvalidRow = { line: number; email: string; reason: string };
export type ValidRow = RosterRow & { key: string };

/** Header names people use, folded to lower-case letters and digits. */
const HEADERS: Record<string, "email" | "name" | "first" | "last" | "studentNumber"> = {
  email: "email",
  emailaddress: "email",
  mail: "email",
  name: "name",
  fullname: "name",
  studentname: "name",
  firstname: "first",
  givenname: "first",
  lastname: "last",
  surname: "last",
  familyname: "last",
  studentnumber: "studentNumber",
  studentno: "studentNumber",
  studentid: "studentNumber",
  matriculationnumber: "studentNumber",
};

const fold = (header: string) => header.normalize("NFKC").toLowerCase().replace(/[^a-z0-9]/g, "");

/** Offsets where each line starts (CRLF, LF or a lone CR end a line), for turning a parser position into a line number. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) starts.push(i + 1);
  }
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

const blank = (cells: string[]) => cells.every((c) => c.trim() === "");

/**
 * A CSV class list: UTF-8 with or without a BOM, comma or semicolon (or tab)
 * separated, quoted fields (with separators or line breaks inside), a header
 * row naming the columns in any order, blank lines skipped. More than
 * MAX_ROSTER_ROWS data rows is `too_large` before anything else is looked at.
 */
export function parseRosterCsv(input: string): RosterRow[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const starts = lineStarts(text);
  let header: Record<string, number> | null = null;
  const rows: RosterRow[] = [];
  let rowStart = 0;
  let tooMany = false;
  let noEmailColumn = false;
  Papa.parse<string[]>(text, {
    delimitersToGuess: [",", ";", "\t"],
    step: (result, parser) => {
      const cells = result.data.map((c) => (typeof c === "string" ? c : ""));
      const start = rowStart;
      rowStart = result.meta.cursor;
      if (blank(cells)) return;
      // A row's line is where it starts (after the line break that ended the previous row).
      const line = lineOf(starts, Math.min(start, Math.max(0, text.length - 1)));
      if (!header) {
        header = {};
        cells.forEach((h, i) => {
          const field = HEADERS[fold(h)];
          if (field && header![field] === undefined) header![field] = i;
        });
        if (header.email === undefined) {
          noEmailColumn = true;
          parser.abort();
        }
        return;
      }
      if (rows.length >= MAX_ROSTER_ROWS) {
        tooMany = true;
        parser.abort();
        return;
      }
      const cell = (field: string) => (header![field] === undefined ? "" : (cells[header![field]] ?? "").trim());
      const name = cell("name") || [cell("first"), cell("last")].filter(Boolean).join(" ");
      rows.push({ line, email: cell("email"), name: name || null, studentNumber: cell("studentNumber") || null });
    },
  });
  if (tooMany) throw tooLarge();
  if (noEmailColumn) {
    throw new AppError("invalid_input", "The first row must name the columns, one of them “email” (and optionally “name” and “student number”).");
  }
  if (!header) throw new AppError("invalid_input", "The file is empty: paste or upload a class list with a header row and one student per line.");
  return rows;
}

export function tooLarge(): AppError {
  return new AppError("too_large", `A class list can have at most ${MAX_ROSTER_ROWS.toLocaleString("en-US")} students. Split the file and import each part.`);
}

const jsonStudent = z.object({
  email: z.string().max(1000),
  name: z.string().max(1000).nullish(),
  studentNumber: z.union([z.string().max(1000), z.number()]).nullish(),
});

/** The JSON form: `{ students: [{ email, name?, studentNumber? }] }`; a student's line is their position in the list, from 1. */
export const rosterJsonSchema = z.object({ students: z.array(z.unknown()) });

export type ParsedRow = RosterRow & { malformed?: boolean };

export function rosterFromJson(body: z.infer<typeof rosterJsonSchema>): ParsedRow[] {
  if (body.students.length > MAX_ROSTER_ROWS) throw tooLarge();
  return body.students.map((raw, i) => {
    const parsed = jsonStudent.safeParse(raw);
    if (!parsed.success) return { line: i + 1, email: typeof (raw as { email?: unknown })?.email === "string" ? (raw as { email: string }).email : "", name: null, studentNumber: null, malformed: true };
    const s = parsed.data;
    return { line: i + 1, email: s.email.trim(), name: s.name?.trim() || null, studentNumber: s.studentNumber == null ? null : String(s.studentNumber).trim() || null };
  });
}

/**
 * Checks every row: a valid e-mail, a name and student number of sensible
 * length, each e-mail once (a repeated row is reported and imported once).
 */
export function validateRoster(rows: ParsedRow[]): { valid: ValidRow[]; invalid: InvalidRow[] } {
  const valid: ValidRow[] = [];
  const invalid: InvalidRow[] = [];
  const seen = new Map<string, ValidRow>();
  for (const row of rows) {
    const bad = (reason: string) => invalid.push({ line: row.line, email: row.email, reason });
    if (row.malformed) {
      bad("Each student needs an e-mail, and optionally a name and student number, as text.");
      continue;
    }
    if (!row.email) {
      bad("No e-mail address.");
      continue;
    }
    if (!emailSchema.safeParse(row.email).success) {
      bad("Not a valid e-mail address.");
      continue;
    }
    if (row.name && row.name.length > 100) {
      bad("The name is longer than 100 characters.");
      continue;
    }
    if (row.studentNumber && row.studentNumber.length > 40) {
      bad("The student number is longer than 40 characters.");
      continue;
    }
    const key = emailKey(row.email);
    const first = seen.get(key);
    if (first) {
      const same = first.name === row.name && first.studentNumber === row.studentNumber;
      bad(same ? `Repeats line ${first.line}; imported once.` : `The same e-mail as line ${first.line}, with a different name or student number; line ${first.line} was used.`);
      continue;
    }
    const v = { ...row, email: row.email.trim(), key };
    seen.set(key, v);
    valid.push(v);
  }
  return { valid, invalid };
}
