import { describe, expect, it } from "vitest";
import { isAppError } from "../errors";
import { MAX_ROSTER_ROWS, parseRosterCsv, rosterFromJson, validateRoster } from "./roster-file";

// Class lists as they arrive from registrars and spreadsheets.

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
  return null;
};

describe("parseRosterCsv", () => {
  it("reads Excel's “CSV UTF-8”: a BOM, CRLF line ends, accents kept", () => {
    const file = "\uFEFFName,Email,Student number\r\nZoë Ångström,zoe@uni.example,S-001\r\nJosé Núñez,jose@uni.example,S-002\r\n";
    expect(parseRosterCsv(file)).toEqual([
      { line: 2, email: "zoe@uni.example", name: "Zoë Ångström", studentNumber: "S-001" },
      { line: 3, email: "jose@uni.example", name: "José Núñez", studentNumber: "S-002" },
    ]);
  });

  it("reads semicolon-separated files from a European locale, with the header in any order", () => {
    const file = "Studentnumber;E-mail;Name\n4711;anna@uni.example;Anna Müller\n4712;ben@uni.example;Ben Weiß\n";
    expect(parseRosterCsv(file)).toEqual([
      { line: 2, email: "anna@uni.example", name: "Anna Müller", studentNumber: "4711" },
      { line: 3, email: "ben@uni.example", name: "Ben Weiß", studentNumber: "4712" },
    ]);
  });

  it("keeps quoted names with commas (and quotes) whole, and accepts studentNumber as a header", () => {
    const file = 'email,name,studentNumber\nlee@uni.example,"Lee, Ada",1\nobrien@uni.example,"O\'Brien, ""Pat""",2\n';
    expect(parseRosterCsv(file)).toEqual([
      { line: 2, email: "lee@uni.example", name: "Lee, Ada", studentNumber: "1" },
      { line: 3, email: "obrien@uni.example", name: 'O\'Brien, "Pat"', studentNumber: "2" },
    ]);
  });

  it("skips blank lines (also before the header and at the end) and reports each row's own line", () => {
    const file = "\n\nemail,name\n\na@uni.example,A\n,\n\nb@uni.example,B\n\n\n";
    expect(parseRosterCsv(file)).toEqual([
      { line: 5, email: "a@uni.example", name: "A", studentNumber: null },
      { line: 8, email: "b@uni.example", name: "B", studentNumber: null },
    ]);
  });

  it("counts lines inside a quoted field with a line break, so later rows keep their spreadsheet line", () => {
    const file = 'email,name\r\na@uni.example,"Two\r\nlines"\r\nb@uni.example,B\r\n';
    expect(parseRosterCsv(file).map((r) => [r.line, r.email])).toEqual([
      [2, "a@uni.example"],
      [4, "b@uni.example"],
    ]);
  });

  it("takes an e-mail column alone, and first and last name columns", () => {
    expect(parseRosterCsv("Email\na@uni.example\n")).toEqual([{ line: 2, email: "a@uni.example", name: null, studentNumber: null }]);
    expect(parseRosterCsv("First name;Last name;Email address\nAda;Lovelace;ada@uni.example\n")).toEqual([
      { line: 2, email: "ada@uni.example", name: "Ada Lovelace", studentNumber: null },
    ]);
  });

  it("refuses a file without an email column, or an empty one, with invalid_input", () => {
    expect(code(() => parseRosterCsv("name,number\nAda,1\n"))).toBe("invalid_input");
    expect(code(() => parseRosterCsv(""))).toBe("invalid_input");
    expect(code(() => parseRosterCsv("\uFEFF\r\n\r\n"))).toBe("invalid_input");
  });

  it(`takes ${MAX_ROSTER_ROWS} rows and refuses ${MAX_ROSTER_ROWS + 1} with too_large (blank lines do not count)`, () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `s${i}@uni.example,Student ${i}`);
    expect(parseRosterCsv(["email,name", ...rows(MAX_ROSTER_ROWS), "", ""].join("\n"))).toHaveLength(MAX_ROSTER_ROWS);
    expect(code(() => parseRosterCsv(["email,name", ...rows(MAX_ROSTER_ROWS + 1)].join("\n")))).toBe("too_large");
  });
});

describe("validateRoster", () => {
  it("reports every bad row with its line and reason, and each duplicate once", () => {
    const rows = parseRosterCsv(
      [
        "email,name,student number",
        "ok@uni.example,Ok,1",
        "not-an-email,Bad,2",
        ",No Mail,3",
        "OK@uni.example,Ok,1", // the same row again, different case
        "ok@uni.example,Someone Else,9",
        `long@uni.example,${"x".repeat(101)},4`,
        `num@uni.example,Num,${"9".repeat(41)}`,
      ].join("\r\n"),
    );
    const { valid, invalid } = validateRoster(rows);
    expect(valid.map((r) => [r.line, r.key])).toEqual([[2, "ok@uni.example"]]);
    expect(invalid.map((r) => [r.line, r.email])).toEqual([
      [3, "not-an-email"],
      [4, ""],
      [5, "OK@uni.example"],
      [6, "ok@uni.example"],
      [7, "long@uni.example"],
      [8, "num@uni.example"],
    ]);
    expect(invalid[0].reason).toMatch(/valid e-mail/);
    expect(invalid[1].reason).toMatch(/No e-mail/);
    expect(invalid[2].reason).toMatch(/Repeats line 2/);
    expect(invalid[3].reason).toMatch(/line 2/);
  });

  it("reads the JSON form with lines counted from 1, and flags entries that are not students", () => {
    const rows = rosterFromJson({ students: [{ email: "a@uni.example", name: "A", studentNumber: 17 }, { name: "No mail" }, "text"] });
    const { valid, invalid } = validateRoster(rows);
    expect(valid).toEqual([{ line: 1, email: "a@uni.example", name: "A", studentNumber: "17", key: "a@uni.example" }]);
    expect(invalid.map((r) => r.line)).toEqual([2, 3]);
    expect(code(() => rosterFromJson({ students: Array.from({ length: MAX_ROSTER_ROWS + 1 }, () => ({ email: "a@b.c" })) }))).toBe("too_large");
  });
});
