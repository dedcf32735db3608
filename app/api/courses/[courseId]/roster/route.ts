import { json, methods, parseInput, readText, route } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/current-user";
import { authorize } from "@/lib/courses/access";
import { importRoster } from "@/lib/courses/roster";
import { parseRosterCsv, rosterFromJson, rosterJsonSchema, tooLarge } from "@/lib/courses/roster-file";
import { AppError } from "@/lib/errors";

// 5,000 rows of e-mail, name and number fit in well under 2 MB; anything bigger is not a class list.
const MAX_BYTES = 4 * 1024 * 1024;
/** Besides JSON, route() lets these through (anything else is 415); a spreadsheet's export may say any of them. */
const CSV_TYPES = ["text/csv", "application/csv", "text/plain"];

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  /** SPEC §9: a CSV body (text/csv) or JSON `{ students }`; `?dryRun=true` reports and writes nothing. */
  POST: route<{ courseId: string }>(async (req, { courseId }) => {
    const user = await requireUser(req);
    // Before reading up to 4 MB: strangers get their 403/404 without the server parsing their file.
    await authorize(user.id, courseId, "roster.manage");
    const dryRunParam = new URL(req.url).searchParams.get("dryRun");
    if (dryRunParam !== null && dryRunParam !== "true" && dryRunParam !== "false") throw new AppError("invalid_input", "dryRun is true or false.");
    const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    const isCsv = CSV_TYPES.includes(type);
    if (!isCsv && type !== "application/json") {
      throw new AppError("invalid_input", "Send the class list as text/csv, or as JSON { students: [...] }.");
    }
    const text = await readText(req, MAX_BYTES, tooLarge);
    let rows;
    if (isCsv) {
      rows = parseRosterCsv(text);
    } else {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        throw new AppError("invalid_input", "The request body is not valid JSON.");
      }
      rows = rosterFromJson(parseInput(rosterJsonSchema, data));
    }
    return json(await importRoster(user, courseId, rows, { dryRun: dryRunParam === "true" }));
  }, { accept: CSV_TYPES }),
});
