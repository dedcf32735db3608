import type { CheckinResult, ErrorDto, RecordDto } from "@/lib/model/attendance";
import { courseLabel, courseShortName } from "@/lib/model/course";

/**
 * Everything /join says to a student, in plain words, with the next step.
 * Pure (no React, no DOM): the page renders these and the unit test reads them.
 */

/** How the student tried to check in: it decides what "try again" means. */
export type Via = "qr" | "code" | "link";

/** Next steps the page knows how to offer as buttons. */
export type NextStep = "scan" | "type_code" | "retry" | "sign_in" | "register" | "enroll" | "wait" | "start_over";

export type Tone = "success" | "late" | "info" | "error";

export type Message = {
  tone: Tone;
  title: string;
  body: string;
  steps: NextStep[];
};

export type FormatOptions = { locale?: string; timeZone?: string };

export function formatTime(iso: string | null, opts: FormatOptions = {}): string {
  if (!iso) return "";
  return new Intl.DateTimeFormat(opts.locale, { hour: "numeric", minute: "2-digit", timeZone: opts.timeZone }).format(new Date(iso));
}

function minutes(n: number): string {
  return n === 1 ? "1 minute" : `${n} minutes`;
}

/** The record as the student should read it: fresh check-in, duplicate, or a mark the teacher changed. */
export function describeRecord(
  record: RecordDto,
  session: { courseName: string; courseCode?: string | null },
  opts: FormatOptions & { alreadyCheckedIn?: boolean } = {},
): Message {
  const course = courseShortName({ code: session.courseCode ?? null, name: session.courseName });
  const time = formatTime(record.checkedInAt, opts);
  const byTeacher = record.method === "manual" || record.method === "auto" || record.markedBy !== null;
  switch (record.status) {
    case "present":
      if (byTeacher) return { tone: "success", title: "Your teacher marked you present", body: `${course}. Nothing more to do.`, steps: [] };
      if (opts.alreadyCheckedIn) return { tone: "success", title: `Already checked in at ${time}`, body: `You're on the list for ${course}. Nothing more to do.`, steps: [] };
      return { tone: "success", title: `You're checked in — ${course}, ${time}`, body: "You're on the list. You can put your phone away.", steps: [] };
    case "late": {
      const late = record.lateMinutes ?? 0;
      if (byTeacher) return { tone: "late", title: "Your teacher marked you late", body: `${course}. Talk to your teacher if that's a mistake.`, steps: [] };
      if (opts.alreadyCheckedIn)
        return { tone: "late", title: `Already checked in at ${time}`, body: `${course}: you were ${minutes(late)} late. Nothing more to do.`, steps: [] };
      return { tone: "late", title: `Checked in, ${minutes(late)} late`, body: `${course}, ${time}. You're on the list.`, steps: [] };
    }
    case "excused":
      return { tone: "info", title: "Your teacher marked you excused", body: record.note ? `${course}: “${record.note}”` : `${course}. Nothing more to do.`, steps: [] };
    case "absent":
      return { tone: "error", title: "Your teacher marked you absent", body: `${course}. If you are in class, talk to your teacher.`, steps: [] };
  }
}

export function describeCheckin(result: CheckinResult, opts: FormatOptions = {}): Message {
  return describeRecord(result.record, result.session, { ...opts, alreadyCheckedIn: result.alreadyCheckedIn });
}

/** The session ended while the student was watching: their mark is final now. */
export function describeEnded(record: RecordDto | null): string {
  if (record && (record.status === "present" || record.status === "late")) return "Attendance for this class has ended. Your check-in counts.";
  return "Attendance for this class has ended.";
}

type ErrorContext = { via: Via; retryAfter?: number };

function serverSays(error: ErrorDto, fallback: string): string {
  return typeof error.message === "string" && error.message.trim() ? error.message : fallback;
}

function retrySteps(via: Via): NextStep[] {
  return via === "code" ? ["type_code", "scan"] : ["scan", "type_code"];
}

/** Every SPEC error code (and the page's own network_error) as a sentence and what to do next. */
export function describeError(error: ErrorDto, ctx: ErrorContext): Message {
  const courseName = typeof error.courseName === "string" ? error.courseName : null;
  const courseCode = typeof error.courseCode === "string" ? error.courseCode : null;
  const course = courseCode || courseName;
  switch (error.code) {
    case "code_expired":
      if (ctx.via === "code")
        return { tone: "error", title: "That code has expired", body: "The code on the screen changes every so often. Type the one showing now.", steps: ["type_code", "scan"] };
      if (error.held === true)
        return {
          tone: "error",
          title: "Your saved scan has expired",
          body: "Signing in took more than 5 minutes, so the scan saved on this phone no longer counts. Scan the code on the screen again.",
          steps: ["scan", "type_code"],
        };
      return { tone: "error", title: "This QR code has expired", body: "The QR code changes every few seconds and this one is too old. Scan the code on the screen again.", steps: ["scan", "type_code"] };
    case "invalid_code":
      return ctx.via === "code"
        ? { tone: "error", title: "That's not a valid code", body: "Codes are 6 digits, like 123 456. Check the screen and try again.", steps: ["type_code"] }
        : { tone: "error", title: "That isn't a Rollcall code", body: "This QR code can't be used to check in. Scan the code on the classroom screen, or type its 6 digits.", steps: ["scan", "type_code"] };
    case "code_not_found":
      return { tone: "error", title: "No class has that code", body: "Check the 6 digits on the screen and try again. The code changes every so often.", steps: ["type_code", "scan"] };
    case "not_enrolled": {
      const canRequest = error.canRequest === true;
      const name = course ? ` in ${course}` : "";
      return {
        tone: "error",
        title: `You're not enrolled${name}`,
        body: canRequest
          ? `To check in${courseName ? ` to ${courseLabel({ code: courseCode ?? null, name: courseName })}` : ""}, join the course first: ask your teacher for its enroll link or 8-character enroll code and enter it here.`
          : serverSays(error, "You are not enrolled in this course. Talk to your teacher."),
        steps: canRequest ? ["enroll", "start_over"] : ["start_over"],
      };
    }
    case "session_ended":
      return { tone: "error", title: "Attendance has ended", body: `${serverSays(error, "This session has ended.")} If you were in class, talk to your teacher.`, steps: ["start_over"] };
    case "checkin_closed":
      return { tone: "error", title: "Check-in is closed", body: serverSays(error, "Check-in for this session is closed. Talk to your teacher."), steps: ["start_over"] };
    case "device_already_used":
      return {
        tone: "error",
        title: "This phone was already used",
        body: "Someone else already checked in with this phone in this class. Each student checks in on their own phone — if you borrowed this one, ask your teacher to mark you.",
        steps: ["start_over"],
      };
    case "ambiguous_code":
      return { tone: "error", title: "That code matches more than one class", body: "Scan the QR code on the screen instead — it always points to the right class.", steps: ["scan"] };
    case "rate_limited": {
      const wait = Math.max(1, Math.ceil(ctx.retryAfter ?? Number(error.retryAfterSeconds ?? 60)));
      return { tone: "error", title: "Too many tries", body: `Wait ${waitText(wait)}, then try again.`, steps: ["wait"] };
    }
    case "unauthenticated":
      if (error.held === true)
        return {
          tone: "info",
          title: `Sign in to finish checking in${course ? ` to ${course}` : ""}`,
          body: "Your scan is saved on this phone for 5 minutes. Sign in or create your account and you'll be checked in as of the moment you scanned.",
          steps: ["sign_in", "register"],
        };
      return { tone: "info", title: "Sign in to check in", body: "Sign in with your student account, then check in again.", steps: ["sign_in", "register"] };
    case "forbidden":
      return { tone: "error", title: "You can't check in here", body: serverSays(error, "You are not allowed to do that."), steps: ["start_over"] };
    case "network_error":
      return { tone: "error", title: "No connection", body: "Your phone couldn't reach Rollcall. Check your Wi-Fi or mobile data and try again.", steps: ["retry"] };
    case "invalid_input":
      return { tone: "error", title: "Something was wrong with that check-in", body: "Try again, or type the 6-digit code on the screen.", steps: retrySteps(ctx.via) };
    default:
      return { tone: "error", title: "Something went wrong", body: "That didn't work on our side. Try again in a moment.", steps: ["retry"] };
  }
}

export function waitText(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s === 0 ? minutes(m) : `${minutes(m)} ${s} seconds`;
}

// ---------------------------------------------------------------------------
// Camera problems

export type CameraProblem = "denied" | "no_camera" | "in_use" | "insecure" | "unsupported" | "failed";

/** The browser, for instructions that name the right buttons. */
export type BrowserKind = "ios-safari" | "ios-other" | "android-chrome" | "samsung" | "firefox" | "chrome" | "safari" | "other";

export function detectBrowser(ua: string): BrowserKind {
  const ios = /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && /Mobile\//.test(ua));
  if (ios) return /CriOS|FxiOS|EdgiOS|OPiOS/.test(ua) ? "ios-other" : "ios-safari";
  if (/SamsungBrowser/.test(ua)) return "samsung";
  if (/Firefox\//.test(ua)) return "firefox";
  if (/Android/.test(ua) && /Chrome\//.test(ua)) return "android-chrome";
  if (/Chrome\/|Chromium\//.test(ua)) return "chrome";
  if (/Safari\//.test(ua)) return "safari";
  return "other";
}

/** Maps a getUserMedia failure to what the student can do about it. */
export function cameraProblemFromError(err: unknown): CameraProblem {
  const name = typeof err === "object" && err !== null && "name" in err ? String((err as { name: unknown }).name) : "";
  switch (name) {
    case "NotAllowedError":
    case "PermissionDeniedError":
    case "SecurityError":
      return "denied";
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
      return "no_camera";
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return "in_use";
    default:
      return "failed";
  }
}

const ALLOW_CAMERA: Record<BrowserKind, string> = {
  "ios-safari": "Tap “aA” in the address bar, then Website Settings → Camera → Allow, and reload this page. (Or: Settings → Apps → Safari → Camera → Allow.)",
  "ios-other": "Open the iPhone Settings app, find this browser, turn Camera on, then reload this page.",
  "android-chrome": "Tap the icon to the left of the address bar, then Permissions → Camera → Allow, and reload this page.",
  samsung: "Tap the icon to the left of the address bar, then Permissions → Camera → Allow, and reload this page.",
  firefox: "Tap the lock icon in the address bar, remove the “Blocked” camera permission, and reload this page.",
  chrome: "Click the icon to the left of the address bar, set Camera to Allow, and reload this page.",
  safari: "Open Safari → Settings for This Website, set Camera to Allow, and reload this page.",
  other: "Allow camera access for this site in your browser's settings, then reload this page.",
};

export function describeCameraProblem(problem: CameraProblem, browser: BrowserKind): Message {
  switch (problem) {
    case "denied":
      return { tone: "error", title: "Camera access is blocked", body: `${ALLOW_CAMERA[browser]} Or type the 6-digit code below.`, steps: ["type_code", "scan"] };
    case "no_camera":
      return { tone: "error", title: "No camera found", body: "This device has no camera we can use. Type the 6-digit code on the screen instead.", steps: ["type_code"] };
    case "in_use":
      return {
        tone: "error",
        title: "The camera is busy",
        body: "Another app may be using the camera. Close it (or the other tab), then try again — or type the 6-digit code.",
        steps: ["scan", "type_code"],
      };
    case "insecure":
      // One calm sentence for the student; the HTTPS advice is the teacher's, on the console (components/session/phone-reach.tsx).
      return { tone: "info", title: "Scan with your camera app", body: "Scan the QR code with your phone's camera app, or type the 6-digit code below.", steps: ["type_code"] };
    case "unsupported":
      return {
        tone: "error",
        title: "This browser can't use the camera here",
        body:
          browser === "ios-safari" || browser === "ios-other"
            ? "On older iPhones the camera only works in Safari itself, not from a home-screen app. Open this page in Safari, use the Camera app to scan the QR code, or type the 6-digit code."
            : "Use your phone's camera app to scan the QR code, or type the 6-digit code below.",
        steps: ["type_code"],
      };
    case "failed":
      return { tone: "error", title: "The camera didn't start", body: "Try again, or type the 6-digit code on the screen.", steps: ["scan", "type_code"] };
  }
}
