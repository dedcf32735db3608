import type { RosterRow } from "@/lib/model/attendance";
import type { RosterSnapshot } from "./roster-store";

/**
 * How the console orders and finds students, in the viewer's own language.
 * The server sorts names by bytes ("Léa" after "Luka", Greek and Cyrillic after
 * "Zoë"); the console sorts with `Intl.Collator` and searches without regard to
 * accents or case ("lea" finds "Léa").
 */
export type RosterSort = "last" | "first" | "recent";

export const SORT_LABEL: Record<RosterSort, string> = { last: "Last name", first: "First name", recent: "Newest check-in" };

/** Accents and case folded away, for searching: "Léa Ørsted" → "lea ørsted" ("ø" is a letter of its own, not an accent). */
export function searchKey(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "").toLocaleLowerCase();
}

/**
 * The name a "last name" sort reads first: the last word, then the rest ("Ada Lovelace" → "Lovelace Ada").
 * A name of one word, or in a script written without spaces (中村太郎), is its own key, so it keeps a stable place.
 */
export function lastNameKey(name: string): string {
  const words = name.trim().split(/\s+/);
  if (words.length < 2) return name.trim();
  return [words[words.length - 1], ...words.slice(0, -1)].join(" ");
}

type Keys = { last: string; search: string };
// Rows are immutable: a row object's keys never change, so they are computed once per object.
const keyCache = new WeakMap<RosterRow, Keys>();
function keys(row: RosterRow): Keys {
  let k = keyCache.get(row);
  if (!k) {
    k = { last: lastNameKey(row.studentName), search: searchKey(row.studentName) };
    keyCache.set(row, k);
  }
  return k;
}

/** Roster ids in the chosen order; ties (the same name) by id, so the order never flickers. */
export function sortRoster(snapshot: Pick<RosterSnapshot, "order" | "rows">, sort: RosterSort, collator: Intl.Collator): string[] {
  const rows = snapshot.rows;
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const byName = (a: string, b: string) => {
    const x = rows.get(a)!;
    const y = rows.get(b)!;
    if (sort === "last") {
      const n = collator.compare(keys(x).last, keys(y).last);
      if (n !== 0) return n;
    }
    return collator.compare(x.studentName, y.studentName) || byId(a, b);
  };
  const ids = [...snapshot.order];
  if (sort !== "recent") return ids.sort(byName);
  // Newest check-in first; students not checked in after them, by name.
  const at = (id: string) => {
    const t = rows.get(id)!.checkedInAt;
    return t ? Date.parse(t) : -Infinity;
  };
  return ids.sort((a, b) => at(b) - at(a) || byName(a, b));
}

/** Rows that match a search (accent- and case-insensitive, on the name or its second line) and a status filter, in `order`. */
export function filterSorted(
  order: readonly string[],
  rows: ReadonlyMap<string, RosterRow>,
  query: string,
  status: RosterRow["status"] | "all",
  details: Readonly<Record<string, string>> = {},
): string[] {
  const q = searchKey(query.trim());
  if (!q && status === "all") return order as string[];
  const out: string[] = [];
  for (const id of order) {
    const row = rows.get(id)!;
    if (status !== "all" && row.status !== status) continue;
    if (q && !keys(row).search.includes(q) && !(details[id] && searchKey(details[id]).includes(q))) continue;
    out.push(id);
  }
  return out;
}

/** The last few check-ins, newest first, for the "just arrived" strip. */
export function latestArrivals(rows: ReadonlyMap<string, RosterRow>, n: number): RosterRow[] {
  const best: RosterRow[] = [];
  for (const row of rows.values()) {
    if (!row.checkedInAt || (row.method !== "qr" && row.method !== "code")) continue;
    const t = Date.parse(row.checkedInAt);
    if (best.length === n && t <= Date.parse(best[n - 1].checkedInAt!)) continue;
    best.push(row);
    best.sort((a, b) => Date.parse(b.checkedInAt!) - Date.parse(a.checkedInAt!));
    if (best.length > n) best.pop();
  }
  return best;
}
