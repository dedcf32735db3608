import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { z } from "zod";
import { cspViolations } from "@/lib/api/csp-reports";
import { hashPassword } from "@/lib/auth/password";
import { issueToken } from "@/lib/auth/tokens";
import { createUser, emailSchema, findUser, findUserByEmail } from "@/lib/auth/users";
import { advanceClock, clockOffset, setClockOffset } from "@/lib/clock";
import { findCourse } from "@/lib/courses/access";
import { enroll, setEnrollmentStatus } from "@/lib/courses/enrollment";
import { getEnv } from "@/lib/env";
import { AppError, asAppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { USER_KINDS, type PublicUser } from "@/lib/model/vocabulary";
import { E2E_PASSWORD } from "./accounts";

/**
 * The paths only the e2e server answers (never the product's server), so a
 * spec can arrange what it needs instead of clicking through it:
 * - `/__e2e/clock?advanceMs=N` or `?reset` moves the server clock (SPEC: injectable clock);
 * - `POST /__e2e/users` creates an account through the domain, optionally enrolled
 *   (approved) in a course, and mints the token a sign-in would give it;
 * - `POST /__e2e/token` mints that token for an existing account (the demo ones);
 * - `/__e2e/deploy?build=N` makes `/join` answer as a new build would (its HTML with a marker, a new ETag),
 *   `/__e2e/deploy?reset` the real build again: a deploy without restarting the server.
 * - `/__e2e/csp-reports` (`?clear`) lists the Content-Security-Policy violations browsers reported since the last
 *   clear: every test must leave none (e2e/support/fixtures.ts).
 * Specs about signing in keep using the real forms.
 */
export function e2ePaths(req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/__e2e/clock") {
    reply(res, clock(url.searchParams));
    return true;
  }
  if (url.pathname === "/__e2e/csp-reports") {
    reply(res, { violations: cspViolations(url.searchParams.has("clear")) });
    return true;
  }
  if (url.pathname === "/__e2e/deploy") {
    deployed = url.searchParams.has("reset") ? null : (url.searchParams.get("build") ?? "2");
    reply(res, { build: deployed });
    return true;
  }
  if (deployed !== null && url.pathname === "/join" && (req.method === "GET" || req.method === "HEAD")) {
    joinAsDeployed(req, res, deployed);
    return true;
  }
  const handler = req.method === "POST" ? POST[url.pathname] : undefined;
  if (!handler) return false;
  readJson(req)
    .then(handler)
    .then((body) => reply(res, body, 201))
    .catch((err) => {
      const e = asAppError(err);
      reply(res, { error: e.toJSON() }, e.status);
    });
  return true;
}

let deployed: string | null = null;

/** /join as build N would serve it: the built page with `<meta name="e2e-build" content="N">`, its own ETag. */
function joinAsDeployed(req: IncomingMessage, res: ServerResponse, build: string): void {
  const etag = `W/"e2e-build-${build}"`;
  if (req.headers["if-none-match"] === etag) {
    res.writeHead(304, { etag }).end();
    return;
  }
  const built = readFileSync(path.join(getEnv().NEXT_DIST_DIR, "server", "pages", "join.html"), "utf8");
  const html = built.replace("<head>", `<head><meta name="e2e-build" content="${build}"/>`);
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", etag, "cache-control": "s-maxage=31536000" }).end(req.method === "HEAD" ? undefined : html);
}

function clock(params: URLSearchParams) {
  const advance = params.get("advanceMs");
  if (params.has("reset")) setClockOffset(0);
  else if (advance) advanceClock(Number(advance));
  return { offsetMs: clockOffset() };
}

const newUserSchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  email: emailSchema.optional(),
  kind: z.enum(USER_KINDS).default("student"),
  enrollIn: z.string().min(1).optional(),
});

const POST: Record<string, (body: unknown) => Promise<unknown>> = {
  async "/__e2e/users"(body) {
    const input = newUserSchema.parse(body);
    const n = newId().toLowerCase();
    const user = await createUser(
      { name: input.name ?? `E2E ${input.kind} ${n}`, email: input.email ?? `e2e-${n}@example.test`, kind: input.kind },
      await sharedHash(),
    );
    if (input.enrollIn) await enrollApproved(user, input.enrollIn);
    return { user, ...(await issueToken(user)), password: E2E_PASSWORD };
  },

  async "/__e2e/token"(body) {
    const { email } = z.object({ email: emailSchema }).parse(body);
    const user = await findUserByEmail(email);
    if (!user) throw new AppError("not_found", `No account for ${email}.`);
    return { user, ...(await issueToken(user)) };
  },
};

// Hashing is scrypt's job and costs tens of milliseconds: one hash serves every account, as in the seed.
let hash: Promise<string> | undefined;
const sharedHash = () => (hash ??= hashPassword(E2E_PASSWORD));

/** Enrolls as a student would (the enroll code), then approves as the course's owner if the course asks for approval. */
async function enrollApproved(user: PublicUser, courseId: string): Promise<void> {
  const course = await findCourse(courseId);
  if (!course) throw new AppError("not_found", "Course not found.");
  const { enrollment } = await enroll(user, course.enrollCode);
  if (enrollment.status === "approved") return;
  const owner = await findUser(course.ownerId);
  if (!owner) throw new AppError("not_found", "The course has no owner.");
  await setEnrollmentStatus(owner, courseId, user.id, { status: "approved" });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  } catch {
    throw new AppError("invalid_input", "The body is not JSON.");
  }
}

function reply(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
