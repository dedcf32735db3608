import { describe, expect, it } from "vitest";
import { csvResponse } from "./csv";

describe("CSV download headers", () => {
  it("names the file in the plain parameter, with characters a header or a file system cannot hold replaced", () => {
    const res = csvResponse({ filename: 'CS/101 "A"-attendance-2026-09-01.csv', body: "\uFEFFa\r\n" });
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="CS_101 _A_-attendance-2026-09-01.csv"');
  });

  it("adds the UTF-8 name for browsers when the name is not plain ASCII", () => {
    const res = csvResponse({ filename: "Biología 1-attendance-2026-09-01.csv", body: "" });
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="Biolog_a 1-attendance-2026-09-01.csv"; filename*=UTF-8''${encodeURIComponent("Biología 1-attendance-2026-09-01.csv")}`,
    );
  });
});
