import type { Counts, RecordDto, RosterRow } from "@/lib/model/attendance";

/**
 * The live console's roster outside React. A busy lecture hall sends 100
 * check-ins a second; each event only queues here, and `flush` (at most once
 * per animation frame) turns the queue into one new snapshot. Rows that did
 * not change keep their object identity, so memoised row components skip them.
 *
 * Order of truth: a full snapshot from the server (`reset`) replaces
 * everything; after that a record only replaces the row it names when it is at
 * least as new (`updatedAt`), so a slow PATCH reply cannot undo a later event.
 */
export type RosterSnapshot = {
  /** Student ids sorted by name, as the server sorts them. */
  readonly order: readonly string[];
  readonly rows: ReadonlyMap<string, RosterRow>;
  readonly counts: Counts;
  /** Bumped on every flush that changed something. */
  readonly version: number;
};

export type RosterStore = {
  getSnapshot(): RosterSnapshot;
  /** Replaces the roster and counts with the server's full picture; applies at the next flush. */
  reset(roster: readonly RosterRow[], counts: Counts): void;
  /** Queues a record (check-in or mark); `counts`, when given, are the server's counts right after it. */
  push(record: RecordDto, counts?: Counts): void;
  /** Queues "not yet" for a student whose record was taken back at `at` (undo); a record newer than that still wins. */
  unmark(studentId: string, at: string, counts?: Counts): void;
  /** Queues new counts alone (e.g. session ended). */
  pushCounts(counts: Counts): void;
  /** Marks a row as flagged (a device reused to check in someone else) without waiting for a resync. */
  flag(studentId: string): void;
  hasPending(): boolean;
  /** Applies everything queued; returns true when the snapshot changed. */
  flush(): boolean;
};

export const EMPTY_COUNTS: Counts = { present: 0, late: 0, absent: 0, excused: 0, unmarked: 0, total: 0 };

const byName = (rows: ReadonlyMap<string, RosterRow>) => (a: string, b: string) => {
  const x = rows.get(a)!;
  const y = rows.get(b)!;
  const n = x.studentName.localeCompare(y.studentName, undefined, { sensitivity: "base" });
  return n !== 0 ? n : a < b ? -1 : a > b ? 1 : 0;
};

/** True when `incoming` may replace `current`: unmarked rows always yield, otherwise the newer (or equal) update wins. */
export function isNewer(incoming: RecordDto, current: RosterRow | undefined): boolean {
  if (!current || current.updatedAt === null) return true;
  return Date.parse(incoming.updatedAt) >= Date.parse(current.updatedAt);
}

export function createRosterStore(initial?: { roster: readonly RosterRow[]; counts: Counts }): RosterStore {
  let snapshot: RosterSnapshot = { order: [], rows: new Map(), counts: EMPTY_COUNTS, version: 0 };
  let pendingReset: { roster: readonly RosterRow[]; counts: Counts } | null = initial ?? null;
  const pendingRecords = new Map<string, RecordDto>();
  const pendingFlags = new Set<string>();
  const pendingUnmarks = new Map<string, number>();
  let pendingCounts: Counts | null = null;

  const store: RosterStore = {
    getSnapshot: () => snapshot,

    reset(roster, counts) {
      pendingReset = { roster, counts };
      // Counts queued before this snapshot are older than it; records are
      // kept and judged by updatedAt against the new rows.
      pendingCounts = null;
    },

    push(record, counts) {
      const queued = pendingRecords.get(record.studentId);
      if (!queued || Date.parse(record.updatedAt) >= Date.parse(queued.updatedAt)) pendingRecords.set(record.studentId, record);
      if (counts) pendingCounts = counts;
    },

    unmark(studentId, at, counts) {
      const t = Date.parse(at);
      const queued = pendingRecords.get(studentId);
      if (queued && Date.parse(queued.updatedAt) <= t) pendingRecords.delete(studentId);
      pendingUnmarks.set(studentId, Math.max(t, pendingUnmarks.get(studentId) ?? t));
      if (counts) pendingCounts = counts;
    },

    pushCounts(counts) {
      pendingCounts = counts;
    },

    flag(studentId) {
      pendingFlags.add(studentId);
    },

    hasPending: () => pendingReset !== null || pendingRecords.size > 0 || pendingCounts !== null || pendingFlags.size > 0 || pendingUnmarks.size > 0,

    flush() {
      if (!store.hasPending()) return false;
      let rows: Map<string, RosterRow>;
      let order: string[] | readonly string[];
      let counts = snapshot.counts;
      let changed = false;

      if (pendingReset) {
        rows = new Map();
        for (const row of pendingReset.roster) {
          // Keep the old object when nothing changed, so its row does not re-render.
          const old = snapshot.rows.get(row.studentId);
          rows.set(row.studentId, old && sameRow(old, row) ? old : row);
        }
        order = pendingReset.roster.map((r) => r.studentId);
        counts = pendingReset.counts;
        pendingReset = null;
        changed = true;
      } else {
        rows = new Map(snapshot.rows);
        order = snapshot.order;
      }

      // Before the records: one written after the undo is newer and replaces the "not yet".
      for (const [id, t] of pendingUnmarks) {
        const current = rows.get(id);
        if (!current || current.updatedAt === null || Date.parse(current.updatedAt) > t) continue;
        rows.set(id, notYet(current));
        changed = true;
      }
      pendingUnmarks.clear();

      let added = false;
      for (const record of pendingRecords.values()) {
        const current = rows.get(record.studentId);
        if (!isNewer(record, current) || (current && sameRow(current, record))) continue;
        if (!current) added = true;
        rows.set(record.studentId, record);
        changed = true;
      }
      pendingRecords.clear();
      if (added) order = [...rows.keys()].sort(byName(rows));

      for (const id of pendingFlags) {
        const current = rows.get(id);
        if (current && current.status !== "unmarked" && !current.flagged) {
          rows.set(id, { ...current, flagged: true });
          changed = true;
        }
      }
      pendingFlags.clear();

      if (pendingCounts) {
        if (!sameCounts(pendingCounts, counts)) {
          counts = pendingCounts;
          changed = true;
        }
        pendingCounts = null;
      }

      if (!changed) return false;
      snapshot = { order, rows, counts, version: snapshot.version + 1 };
      return true;
    },
  };
  if (initial) store.flush();
  return store;
}

function notYet(row: RosterRow): RosterRow {
  return { studentId: row.studentId, studentName: row.studentName, status: "unmarked", method: null, checkedInAt: null, lateMinutes: null, markedBy: null, note: null, flagged: false, updatedAt: null };
}

function sameRow(a: RosterRow, b: RosterRow): boolean {
  return (
    a.status === b.status &&
    a.updatedAt === b.updatedAt &&
    a.method === b.method &&
    a.note === b.note &&
    a.flagged === b.flagged &&
    a.lateMinutes === b.lateMinutes &&
    a.checkedInAt === b.checkedInAt &&
    a.studentName === b.studentName
  );
}

function sameCounts(a: Counts, b: Counts): boolean {
  return a.present === b.present && a.late === b.late && a.absent === b.absent && a.excused === b.excused && a.unmarked === b.unmarked && a.total === b.total;
}

/**
 * Calls `flush` at most once per animation frame, and within `maxDelayMs`
 * even when frames are not drawn (a background tab throttles them).
 */
export function createFlushScheduler(
  flush: () => void,
  timers: {
    requestFrame: (cb: () => void) => number;
    cancelFrame: (id: number) => void;
    setTimer: (cb: () => void, ms: number) => unknown;
    clearTimer: (id: unknown) => void;
  },
  maxDelayMs = 100,
): { schedule(): void; cancel(): void } {
  let frame: number | null = null;
  let timer: unknown = null;
  const run = () => {
    cancel();
    flush();
  };
  function cancel() {
    if (frame !== null) timers.cancelFrame(frame);
    if (timer !== null) timers.clearTimer(timer);
    frame = null;
    timer = null;
  }
  return {
    schedule() {
      if (frame !== null || timer !== null) return;
      frame = timers.requestFrame(run);
      timer = timers.setTimer(run, maxDelayMs);
    },
    cancel,
  };
}
