import { afterEach, describe, expect, it, vi } from "vitest";
import { cspViolations, parseCspReports, recordCspViolations } from "./csp-reports";

afterEach(() => vi.restoreAllMocks());

describe("CSP reports", () => {
  it("reads report-uri's format and the Reporting API's, keeping paths only (no QR token in a log)", () => {
    const legacy = { "csp-report": { "document-uri": "http://h/join?t=secret.0.1.mac", "effective-directive": "script-src-elem", "blocked-uri": "inline" } };
    expect(parseCspReports(legacy, 5)).toEqual([{ directive: "script-src-elem", blocked: "inline", page: "/join", at: 5 }]);
    const modern = [{ type: "csp-violation", body: { documentURL: "http://h/dashboard", effectiveDirective: "connect-src", blockedURL: "wss://evil.example/x?y" } }];
    expect(parseCspReports(modern, 6)).toEqual([{ directive: "connect-src", blocked: "wss://evil.example/x", page: "/dashboard", at: 6 }]);
    expect(parseCspReports(null)).toEqual([]);
    expect(parseCspReports("nonsense")).toEqual([]);
    expect(parseCspReports([1, null, { body: 3 }])).toEqual([]);
  });

  it("keeps the last hundred and logs each kind once", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    cspViolations(true);
    for (let i = 0; i < 150; i++) recordCspViolations([{ directive: "img-src", blocked: "data", page: "/p", at: i }]);
    expect(cspViolations()).toHaveLength(100);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(cspViolations(true)).toHaveLength(100);
    expect(cspViolations()).toHaveLength(0);
  });

  it("cannot be used to write a log line per request: reports of any words share their directive's line", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (let i = 0; i < 200; i++) {
      recordCspViolations([
        { directive: "connect-src", blocked: `https://spam${i}.example/`, page: `/p${i}`, at: i },
        { directive: `made-up-${i}`, blocked: "inline", page: "/", at: i },
      ]);
    }
    expect(warn).toHaveBeenCalledTimes(2);
    cspViolations(true);
  });
});
