import { parseCspReports, recordCspViolations } from "@/lib/api/csp-reports";
import { methods, readText, route } from "@/lib/api/route";
import { AppError } from "@/lib/errors";

const tooLarge = () => new AppError("invalid_input", "The report is too large.");

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  /** Browsers post Content-Security-Policy violations here (server/security-headers.ts names it in report-uri). */
  POST: route(
    async (req) => {
      let body: unknown;
      try {
        body = JSON.parse(await readText(req, 16 * 1024, tooLarge));
      } catch (e) {
        if (e instanceof AppError) throw e;
        throw new AppError("invalid_input", "The report is not valid JSON.");
      }
      recordCspViolations(parseCspReports(body));
      return new Response(null, { status: 204 });
    },
    { accept: ["application/csp-report", "application/reports+json"] },
  ),
});
