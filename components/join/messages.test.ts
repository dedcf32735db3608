import { describe, expect, it } from "vitest";
import { ERROR_STATUS } from "@/lib/errors";
import type { CheckinResult, RecordDto } from "@/lib/model/attendance";
import {
  cameraProblemFromError,
  describeCameraProblem,
  describeCheckin,
  describeError,
  describeRecord,
  detectBrowser,
  waitText,
  type BrowserKind,
  type CameraProblem,
} from "./messages";
import { cleanCode, tokenFromScan } from "./scan-text";

const fmt = { locale: "en-GB", timeZone: "UTC" };

function record(over: Partial<RecordDto> = {}): RecordDto {
  return {
    studentId: "s1",
    studentName: "Ada Lovelace",
    status: "present",
    method: "qr",
    checkedInAt: "2026-09-01T10:05:00.000Z",
    lateMinutes: null,
    markedBy: null,
    note: null,
    flagged: false,
    updatedAt: "2026-09-01T10:05:00.000Z",
    ...over,
  };
}

function result(rec: RecordDto, alreadyCheckedIn = false): CheckinResult {
  return { record: rec, session: { id: "x", title: "Lecture 3", startedAt: "2026-09-01T10:00:00.000Z", courseName: "Introduction to Computer Science", courseCode: "CS101" }, alreadyCheckedIn };
}

describe("check-in results", () => {
  it("says present with the course code and the time of the scan", () => {
    const m = describeCheckin(result(record()), fmt);
    expect(m.tone).toBe("success");
    expect(m.title).toBe("You're checked in — CS101, 10:05");
  });

  it("says how late", () => {
    const m = describeCheckin(result(record({ status: "late", lateMinutes: 7, checkedInAt: "2026-09-01T10:12:00.000Z" })), fmt);
    expect(m.tone).toBe("late");
    expect(m.title).toBe("Checked in, 7 minutes late");
    expect(m.body).toContain("10:12");
    expect(describeCheckin(result(record({ status: "late", lateMinutes: 1 })), fmt).title).toBe("Checked in, 1 minute late");
  });

  it("says already checked in with the original time", () => {
    const m = describeCheckin(result(record({ checkedInAt: "2026-09-01T10:02:00.000Z" }), true), fmt);
    expect(m.title).toBe("Already checked in at 10:02");
  });

  it("uses the course name when there is no short code", () => {
    const r = result(record());
    r.session.courseCode = null;
    expect(describeCheckin(r, fmt).title).toBe("You're checked in — Introduction to Computer Science, 10:05");
  });

  it("describes a mark the teacher changed", () => {
    const course = { courseName: "Intro", courseCode: "CS101" };
    expect(describeRecord(record({ status: "excused", method: "manual", markedBy: "t1", note: "doctor" }), course, fmt)).toMatchObject({
      tone: "info",
      title: "Your teacher marked you excused",
      body: "CS101: “doctor”",
    });
    expect(describeRecord(record({ status: "absent", method: "manual", markedBy: "t1" }), course, fmt).title).toBe("Your teacher marked you absent");
    expect(describeRecord(record({ status: "present", method: "manual", markedBy: "t1" }), course, fmt).title).toBe("Your teacher marked you present");
  });
});

describe("errors", () => {
  const every = [...Object.keys(ERROR_STATUS), "network_error"];

  it("turns every SPEC error code into a sentence with a title, for each way of checking in", () => {
    for (const code of every) {
      for (const via of ["qr", "code", "link"] as const) {
        const m = describeError({ code, message: "" }, { via });
        expect(m.title.length, code).toBeGreaterThan(5);
        expect(m.body.length, code).toBeGreaterThan(10);
        expect(m.body, code).toMatch(/[.!)]$/);
      }
    }
  });

  it("gives each check-in error its own words", () => {
    const checkinCodes = [
      "code_expired", "invalid_code", "code_not_found", "not_enrolled", "session_ended", "checkin_closed",
      "device_already_used", "ambiguous_code", "rate_limited", "unauthenticated", "network_error",
    ];
    const titles = checkinCodes.map((code) => describeError({ code, message: "" }, { via: "qr" }).title);
    expect(new Set(titles).size).toBe(checkinCodes.length);
  });

  it("sends an expired QR back to the screen and an expired code back to the keypad", () => {
    const qr = describeError({ code: "code_expired", message: "This QR code has expired. Scan the code on the screen again." }, { via: "qr" });
    expect(qr.body).toContain("Scan the code on the screen again");
    expect(qr.steps[0]).toBe("scan");
    const typed = describeError({ code: "code_expired", message: "That code has expired." }, { via: "code" });
    expect(typed.steps[0]).toBe("type_code");
  });

  it("tells a held scan that expired during sign-in apart from an old QR code", () => {
    const m = describeError({ code: "code_expired", message: "Signing in took more than 5 minutes.", held: true }, { via: "link" });
    expect(m.title).toBe("Your saved scan has expired");
    expect(m.body).toContain("more than 5 minutes");
    expect(describeError({ code: "code_expired", message: "" }, { via: "link" }).title).toBe("This QR code has expired");
  });

  it("keeps the server's specific reason when it has one", () => {
    const m = describeError({ code: "checkin_closed", message: "Check-in for CS101 closed 15 minutes after the start. Talk to your teacher." }, { via: "code" });
    expect(m.body).toBe("Check-in for CS101 closed 15 minutes after the start. Talk to your teacher.");
  });

  it("offers enrollment only when the student can ask for it", () => {
    const open = describeError({ code: "not_enrolled", message: "You are not enrolled in CS101 Intro.", courseName: "Intro", courseCode: "CS101", canRequest: true }, { via: "qr" });
    expect(open.title).toBe("You're not enrolled in CS101");
    expect(open.body).toContain("enroll link");
    expect(open.body).toContain("CS101 Intro");
    expect(open.steps[0]).toBe("enroll");
    const pending = describeError(
      { code: "not_enrolled", message: "Your request to join CS101 Intro is waiting for the teacher's approval.", canRequest: false },
      { via: "qr" },
    );
    expect(pending.steps).not.toContain("enroll");
    expect(pending.body).toContain("waiting for the teacher's approval");
  });

  it("counts the rate limit wait from Retry-After", () => {
    expect(describeError({ code: "rate_limited", message: "" }, { via: "code", retryAfter: 42 }).body).toBe("Wait 42 seconds, then try again.");
    expect(describeError({ code: "rate_limited", message: "" }, { via: "code", retryAfter: 1 }).body).toBe("Wait 1 second, then try again.");
    expect(describeError({ code: "rate_limited", message: "" }, { via: "code", retryAfter: 90 }).body).toBe("Wait 1 minute 30 seconds, then try again.");
    expect(waitText(120)).toBe("2 minutes");
  });

  it("asks a signed-out student holding a scan to sign in to that course", () => {
    const m = describeError({ code: "unauthenticated", message: "", held: true, courseName: "Intro", courseCode: "CS101" }, { via: "link" });
    expect(m.title).toBe("Sign in to finish checking in to CS101");
    expect(m.steps).toEqual(["sign_in", "register"]);
    expect(describeError({ code: "unauthenticated", message: "" }, { via: "code" }).title).toBe("Sign in to check in");
  });

  it("offers a retry after a network failure", () => {
    expect(describeError({ code: "network_error", message: "x" }, { via: "code" }).steps).toEqual(["retry"]);
  });
});

describe("camera problems", () => {
  it("maps getUserMedia failures", () => {
    expect(cameraProblemFromError(new DOMException("x", "NotAllowedError"))).toBe("denied");
    expect(cameraProblemFromError({ name: "NotFoundError" })).toBe("no_camera");
    expect(cameraProblemFromError({ name: "NotReadableError" })).toBe("in_use");
    expect(cameraProblemFromError(new Error("boom"))).toBe("failed");
    expect(cameraProblemFromError(null)).toBe("failed");
  });

  it("knows the browsers whose settings it explains", () => {
    const ua = {
      iphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      iphoneChrome: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1",
      pixel: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
      samsung: "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0 Mobile Safari/537.36",
      firefox: "Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0",
    };
    expect(detectBrowser(ua.iphone)).toBe("ios-safari");
    expect(detectBrowser(ua.iphoneChrome)).toBe("ios-other");
    expect(detectBrowser(ua.pixel)).toBe("android-chrome");
    expect(detectBrowser(ua.samsung)).toBe("samsung");
    expect(detectBrowser(ua.firefox)).toBe("firefox");
  });

  it("explains every problem in every browser and always leaves the code entry open", () => {
    const problems: CameraProblem[] = ["denied", "no_camera", "in_use", "insecure", "unsupported", "failed"];
    const browsers: BrowserKind[] = ["ios-safari", "ios-other", "android-chrome", "samsung", "firefox", "chrome", "safari", "other"];
    for (const p of problems)
      for (const b of browsers) {
        const m = describeCameraProblem(p, b);
        expect(m.steps, `${p}/${b}`).toContain("type_code");
        expect(m.body.length).toBeGreaterThan(20);
      }
    expect(describeCameraProblem("denied", "ios-safari").body).toContain("Website Settings");
    expect(describeCameraProblem("denied", "android-chrome").body).toContain("Permissions");
    expect(describeCameraProblem("denied", "firefox").body).toContain("lock icon");
    // Students are not told about servers: no HTTPS, no "teachers".
    expect(describeCameraProblem("insecure", "chrome").body).not.toMatch(/https|teacher/i);
  });
});

describe("scanned text", () => {
  const token = "k3j4h5g6.2.123456.AbCdEfGhIjKlMn_-";

  it("reads the token from a join URL on any host, or a bare token", () => {
    expect(tokenFromScan(`http://localhost:3000/join?t=${token}`)).toBe(token);
    expect(tokenFromScan(`https://192.168.1.20:3443/join/?t=${encodeURIComponent(token)}&x=1`)).toBe(token);
    expect(tokenFromScan(`  ${token}\n`)).toBe(token);
  });

  it("ignores other QR codes", () => {
    expect(tokenFromScan("https://example.com/")).toBeNull();
    expect(tokenFromScan("https://example.com/join")).toBeNull();
    expect(tokenFromScan("https://example.com/enroll/ABCD2345")).toBeNull();
    expect(tokenFromScan("javascript:alert(1)//join?t=x")).toBeNull();
    expect(tokenFromScan("WIFI:S:campus;T:WPA;P:secret;;")).toBeNull();
    expect(tokenFromScan("")).toBeNull();
  });

  it("cleans pasted codes", () => {
    expect(cleanCode("123 456")).toBe("123456");
    expect(cleanCode("123-456")).toBe("123456");
    expect(cleanCode("１２３４５６")).toBe("123456");
    expect(cleanCode("CS101 code: 482 913")).toBe("482913");
    expect(cleanCode("12ab3")).toBe("123");
    expect(cleanCode("1234567")).toBe("123456");
  });
});
