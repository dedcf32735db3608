import { logLimited, suppressedNote } from "./log";

/**
 * One error type for the whole product: the domain throws it, and each
 * transport has one mapper (`lib/api/errors.ts` for HTTP, the socket's ack
 * helper) that turns anything thrown into SPEC §4's envelope.
 */
export const ERROR_STATUS = {
  invalid_input: 400,
  invalid_code: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_enrolled: 403,
  recent_sign_in_required: 403,
  not_found: 404,
  code_not_found: 404,
  method_not_allowed: 405,
  email_taken: 409,
  session_already_active: 409,
  session_ended: 409,
  checkin_closed: 409,
  device_already_used: 409,
  ambiguous_code: 409,
  last_owner: 409,
  course_archived: 409,
  last_sign_in_method: 409,
  code_expired: 410,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  invalid_input: "Some of the information sent is not valid.",
  invalid_code: "That is not a valid code. Codes are 6 digits.",
  unauthenticated: "Please sign in first.",
  invalid_credentials: "That e-mail and password do not match.",
  forbidden: "You are not allowed to do that.",
  not_enrolled: "You are not enrolled in this course.",
  recent_sign_in_required: "For your safety, sign in again first, then try once more.",
  not_found: "Not found.",
  code_not_found: "That code does not match any open session. Check the code on the screen.",
  method_not_allowed: "This address does not accept that method.",
  email_taken: "An account with that e-mail already exists.",
  session_already_active: "This course already has an active session.",
  session_ended: "This session has ended.",
  checkin_closed: "Check-in for this session is closed.",
  device_already_used: "This device was already used to check in another student.",
  ambiguous_code: "That code matches more than one class. Scan the QR code instead.",
  last_owner: "A course needs at least one teacher (owner). Make someone else an owner first.",
  course_archived: "This course is archived. Restore it to start sessions or enroll students.",
  too_large: "That is too much at once.",
  last_sign_in_method: "This is your only way to sign in. Set a password or link another account first.",
  code_expired: "This QR code has expired. Scan the code on the screen again.",
  unsupported_media_type: "Send the request body as JSON (Content-Type: application/json).",
  rate_limited: "Too many attempts. Please wait and try again.",
  internal_error: "Something went wrong on our side.",
};

export type ErrorExtra = Record<string, unknown> & { retryAfterSeconds?: number };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly extra: ErrorExtra;

  constructor(code: ErrorCode, message?: string, extra: ErrorExtra = {}) {
    super(message ?? DEFAULT_MESSAGES[code]);
    this.code = code;
    this.extra = extra;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** `{ code, message, ...extra }`: the `error` member of the envelope, also used in socket acks. */
  toJSON(): { code: ErrorCode; message: string } & Record<string, unknown> {
    const { retryAfterSeconds, ...rest } = this.extra;
    return { code: this.code, message: this.message, ...rest, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError || (typeof e === "object" && e !== null && (e as { name?: string }).name === "AppError");
}

AppError.prototype.name = "AppError";

/** Anything thrown becomes an AppError; unknown failures are logged and hidden. */
export function asAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  if (typeof err === "object" && err !== null && (err as { name?: string }).name === "ZodError") {
    const issues = (err as { issues: unknown[] }).issues;
    return new AppError("invalid_input", undefined, { issues });
  }
  const cause = err instanceof Error ? `${err.name}: ${err.message.split("\n")[0]}` : String(err);
  logLimited(`unexpected:${cause}`, (held) => console.error(`[rollcall] unexpected error${suppressedNote(held)}`, err));
  return new AppError("internal_error");
}
