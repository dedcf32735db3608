import { describe, expect, it } from "vitest";
import type { RosterRow } from "@/lib/model/attendance";
import { filterSorted, lastNameKey, latestArrivals, searchKey, sortRoster } from "./roster-order";

function row(studentId: string, studentName: string, checkedInAt: string | null = null): RosterRow {
  if (!checkedInAt)
    return { studentId, studentName, status: "unmarked", method: null, checkedInAt: null, lateMinutes: null, markedBy: null, note: null, flagged: false, updatedAt: null };
  return { studentId, studentName, status: "present", method: "qr", checkedInAt, lateMinutes: null, markedBy: null, note: null, flagged: false, updatedAt: checkedInAt };
}

function snapshot(list: RosterRow[]) {
  // The server's byte order, which the console must not keep.
  const order = list.map((r) => r.studentId).sort((a, b) => (list.find((r) => r.studentId === a)!.studentName < list.find((r) => r.studentId === b)!.studentName ? -1 : 1));
  return { order, rows: new Map(list.map((r) => [r.studentId, r])) };
}

const names = (s: ReturnType<typeof snapshot>, ids: string[]) => ids.map((id) => s.rows.get(id)!.studentName);
const en = new Intl.Collator("en", { sensitivity: "base", numeric: true });

describe("sortRoster", () => {
  const s = snapshot([row("1", "Luka Horvat"), row("2", "Léa Dubois"), row("3", "Zoë Adams"), row("4", "Ελένη Παππά"), row("5", "Ada Lovelace"), row("6", "中村太郎"), row("7", "Plato")]);

  it("sorts by first name with the viewer's collation: accents beside their letter, other scripts not after Z by bytes", () => {
    expect(names(s, sortRoster(s, "first", en))).toEqual(["Ada Lovelace", "Léa Dubois", "Luka Horvat", "Plato", "Zoë Adams", "Ελένη Παππά", "中村太郎"]);
  });

  it("sorts by last name; one-word names and names without spaces keep their own place", () => {
    expect(names(s, sortRoster(s, "last", en))).toEqual(["Zoë Adams", "Léa Dubois", "Luka Horvat", "Ada Lovelace", "Plato", "Ελένη Παππά", "中村太郎"]);
    expect(lastNameKey("  Plato ")).toBe("Plato");
    expect(lastNameKey("Grace Brewster Hopper")).toBe("Hopper Grace Brewster");
  });

  it("puts the newest check-in first, then the others by name; the same name keeps a stable order by id", () => {
    const t = snapshot([row("b", "Sam Lee"), row("a", "Sam Lee"), row("c", "Ann Kim", "2026-01-01T09:00:05Z"), row("d", "Bo Tan", "2026-01-01T09:00:09Z")]);
    expect(sortRoster(t, "recent", en)).toEqual(["d", "c", "a", "b"]);
    expect(sortRoster(t, "first", en)).toEqual(["c", "d", "a", "b"]);
  });
});

describe("filterSorted", () => {
  const s = snapshot([row("1", "Léa Dubois"), row("2", "Lea Marin"), row("3", "ANDRÉ Silva", "2026-01-01T09:00:00Z")]);

  it("finds names without regard to accents or case, and by the second line (e-mail)", () => {
    expect(filterSorted(s.order, s.rows, "lea", "all")).toEqual(expect.arrayContaining(["1", "2"]));
    expect(filterSorted(s.order, s.rows, "andre", "all")).toEqual(["3"]);
    expect(filterSorted(s.order, s.rows, "LÉA D", "all")).toEqual(["1"]);
    expect(filterSorted(s.order, s.rows, "marin@", "all", { "2": "lea.marin@example.edu" })).toEqual(["2"]);
    expect(filterSorted(s.order, s.rows, "", "present")).toEqual(["3"]);
  });

  it("returns the order itself when nothing filters (no copy of 1,000 ids per keystroke)", () => {
    expect(filterSorted(s.order, s.rows, "  ", "all")).toBe(s.order);
  });

  it("folds accents but keeps letters of their own", () => {
    expect(searchKey("Zoë Ørsted")).toBe("zoe ørsted");
  });
});

describe("latestArrivals", () => {
  it("keeps the last few check-ins, newest first", () => {
    const rows = new Map(
      [row("1", "A", "2026-01-01T09:00:01Z"), row("2", "B", "2026-01-01T09:00:03Z"), row("3", "C"), row("4", "D", "2026-01-01T09:00:02Z"), row("5", "E", "2026-01-01T09:00:04Z")].map((r) => [r.studentId, r]),
    );
    expect(latestArrivals(rows, 3).map((r) => r.studentName)).toEqual(["E", "B", "D"]);
  });
});
