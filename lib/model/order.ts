const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/**
 * Names (or e-mails) as a reader expects them: case and accents aside,
 * "Student 2" before "Student 10". Sorted in JS rather than SQL so SQLite and
 * PostgreSQL, whose collations differ beyond ASCII, give one order.
 */
export function compareText(a: string, b: string): number {
  return collator.compare(a, b);
}

/** By name, then id so equal names keep one order. */
export function byNameThenId<T extends { name: string; id: string }>(a: T, b: T): number {
  return compareText(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
