import { describe, expect, it } from "vitest";
import type { Counts, RecordDto, RosterRow } from "@/lib/model/attendance";
import { filterSorted } from "./roster-order";
import { createFlushScheduler, createRosterStore } from "./roster-store";

const counts = (present: number, total: number, extra: Partial<Counts> = {}): Counts => ({
  present,
  late: 0,
  absent: 0,
  excused: 0,
  unmarked: total - present,
  total,
  ...extra,
});

const unmarked = (id: string, name: string): RosterRow => ({
  studentId: id,
  studentName: name,
  status: "unmarked",
  method: null,
  checkedInAt: null,
  lateMinutes: null,
  markedBy: null,
  note: null,
  flagged: false,
  updatedAt: null,
});

const record = (id: string, name: string, status: RecordDto["status"], at: number, extra: Partial<RecordDto> = {}): RecordDto => ({
  studentId: id,
  studentName: name,
  status,
  method: "code",
  checkedInAt: new Date(at).toISOString(),
  lateMinutes: null,
  markedBy: null,
  note: null,
  flagged: false,
  updatedAt: new Date(at).toISOString(),
  ...extra,
});

const roster = (n: number) => Array.from({ length: n }, (_, i) => unmarked(`s${i}`, `Student ${String(i).padStart(4, "0")}`));

describe("roster store", () => {
  it("starts from the initial snapshot", () => {
    const store = createRosterStore({ roster: roster(3), counts: counts(0, 3) });
    const snap = store.getSnapshot();
    expect(snap.order).toEqual(["s0", "s1", "s2"]);
    expect(snap.counts.total).toBe(3);
    expect(store.hasPending()).toBe(false);
  });

  it("queues events and applies them all in one flush, keeping unchanged rows' identity", () => {
    const store = createRosterStore({ roster: roster(1000), counts: counts(0, 1000) });
    const before = store.getSnapshot();
    for (let i = 0; i < 100; i++) store.push(record(`s${i}`, `Student ${String(i).padStart(4, "0")}`, "present", 1_000 + i), counts(i + 1, 1000));
    // Nothing visible changes until the flush.
    expect(store.getSnapshot()).toBe(before);
    expect(store.flush()).toBe(true);
    const after = store.getSnapshot();
    expect(after.version).toBe(before.version + 1);
    expect(after.counts.present).toBe(100);
    expect(after.rows.get("s5")!.status).toBe("present");
    // Rows no event touched are the very same objects: memoised rows skip them.
    let same = 0;
    for (const id of after.order) if (after.rows.get(id) === before.rows.get(id)) same++;
    expect(same).toBe(900);
    expect(after.order).toBe(before.order);
    expect(store.flush()).toBe(false);
  });

  it("keeps the newest update of a student when several arrive in one frame, in any order", () => {
    const store = createRosterStore({ roster: roster(2), counts: counts(0, 2) });
    store.push(record("s0", "Student 0000", "absent", 3_000, { method: "manual" }));
    store.push(record("s0", "Student 0000", "present", 1_000));
    store.flush();
    expect(store.getSnapshot().rows.get("s0")!.status).toBe("absent");
  });

  it("takes a record back to 'not yet' on unmark, unless a newer record came after the undo", () => {
    const store = createRosterStore({ roster: roster(3), counts: counts(0, 3) });
    store.push(record("s0", "Student 0000", "absent", 1_000, { method: "manual" }));
    store.push(record("s1", "Student 0001", "absent", 1_000, { method: "manual" }));
    store.flush();
    // Same frame: the bulk mark and its undo; s1 was marked present again after the undo.
    store.push(record("s2", "Student 0002", "absent", 1_000, { method: "manual" }));
    store.unmark("s2", new Date(2_000).toISOString());
    store.unmark("s0", new Date(2_000).toISOString());
    store.push(record("s1", "Student 0001", "present", 3_000, { method: "manual" }));
    store.unmark("s1", new Date(2_000).toISOString(), counts(1, 3, { unmarked: 2 }));
    expect(store.flush()).toBe(true);
    const snap = store.getSnapshot();
    expect(snap.rows.get("s0")).toEqual(unmarked("s0", "Student 0000"));
    expect(snap.rows.get("s2")).toEqual(unmarked("s2", "Student 0002"));
    expect(snap.rows.get("s1")!.status).toBe("present");
    expect(snap.counts).toEqual(counts(1, 3, { unmarked: 2 }));
  });

  it("ignores a stale record that arrives after a newer one was applied", () => {
    const store = createRosterStore({ roster: roster(2), counts: counts(0, 2) });
    store.push(record("s1", "Student 0001", "excused", 5_000, { method: "manual" }));
    store.flush();
    const snap = store.getSnapshot();
    store.push(record("s1", "Student 0001", "present", 4_000));
    expect(store.flush()).toBe(false);
    expect(store.getSnapshot()).toBe(snap);
    expect(snap.rows.get("s1")!.status).toBe("excused");
  });

  it("a full resync replaces everything, but a queued record newer than it still wins", () => {
    const store = createRosterStore({ roster: roster(3), counts: counts(0, 3) });
    store.push(record("s0", "Student 0000", "present", 1_000), counts(1, 3));
    store.push(record("s2", "Student 0002", "late", 9_000, { lateMinutes: 12 }));
    const fresh: RosterRow[] = [record("s0", "Student 0000", "present", 2_000, { method: "qr" }), unmarked("s1", "Student 0001"), record("s2", "Student 0002", "present", 8_000)];
    store.reset(fresh, counts(2, 3));
    store.flush();
    const snap = store.getSnapshot();
    expect(snap.rows.get("s0")!.method).toBe("qr");
    expect(snap.rows.get("s2")!.status).toBe("late");
    // Counts queued before the resync are older than it and are dropped.
    expect(snap.counts.present).toBe(2);
  });

  it("keeps row identity across a resync for rows that did not change", () => {
    const store = createRosterStore({ roster: roster(3), counts: counts(0, 3) });
    const before = store.getSnapshot();
    store.reset(roster(3), counts(0, 3));
    store.flush();
    const after = store.getSnapshot();
    expect(after.rows.get("s1")).toBe(before.rows.get("s1"));
  });

  it("adds a student it did not know in name order", () => {
    const store = createRosterStore({ roster: [unmarked("a", "Ada"), unmarked("c", "Cy")], counts: counts(0, 2) });
    store.push(record("b", "Ben", "present", 1_000), counts(1, 3));
    store.flush();
    expect(store.getSnapshot().order).toEqual(["a", "b", "c"]);
  });

  it("flags the record of a student whose device was reused", () => {
    const store = createRosterStore({ roster: [record("a", "Ada", "present", 1_000), unmarked("b", "Ben")], counts: counts(1, 2) });
    store.flag("a");
    store.flag("b");
    store.flush();
    expect(store.getSnapshot().rows.get("a")!.flagged).toBe(true);
    expect(store.getSnapshot().rows.get("b")!.flagged).toBe(false);
  });

  it("filters by name and status", () => {
    const store = createRosterStore({ roster: [record("a", "Ada Lovelace", "present", 1), unmarked("b", "Ben Okafor"), record("c", "Chloe Martin", "late", 1)], counts: counts(1, 3) });
    const snap = store.getSnapshot();
    expect(filterSorted(snap.order, snap.rows, "", "all")).toEqual(["a", "b", "c"]);
    expect(filterSorted(snap.order, snap.rows, "  o", "all")).toEqual(["a", "b", "c"]);
    expect(filterSorted(snap.order, snap.rows, "OKA", "all")).toEqual(["b"]);
    expect(filterSorted(snap.order, snap.rows, "", "late")).toEqual(["c"]);
    expect(filterSorted(snap.order, snap.rows, "", "unmarked")).toEqual(["b"]);
    expect(filterSorted(snap.order, snap.rows, "ada", "late")).toEqual([]);
  });
});

describe("flush scheduler", () => {
  function fakeTimers() {
    const frames = new Map<number, () => void>();
    const timeouts = new Map<number, () => void>();
    let next = 1;
    return {
      frames,
      timeouts,
      timers: {
        requestFrame: (cb: () => void) => (frames.set(next, cb), next++),
        cancelFrame: (id: number) => void frames.delete(id),
        setTimer: (cb: () => void) => (timeouts.set(next, cb), next++),
        clearTimer: (id: unknown) => void timeouts.delete(id as number),
      },
      runFrames() {
        for (const [id, cb] of [...frames]) {
          frames.delete(id);
          cb();
        }
      },
      runTimeouts() {
        for (const [id, cb] of [...timeouts]) {
          timeouts.delete(id);
          cb();
        }
      },
    };
  }

  it("flushes once per frame however many events were scheduled", () => {
    const t = fakeTimers();
    let flushes = 0;
    const s = createFlushScheduler(() => flushes++, t.timers);
    for (let i = 0; i < 100; i++) s.schedule();
    expect(t.frames.size).toBe(1);
    t.runFrames();
    expect(flushes).toBe(1);
    // The fallback timer was cancelled: no second flush.
    t.runTimeouts();
    expect(flushes).toBe(1);
    s.schedule();
    t.runFrames();
    expect(flushes).toBe(2);
  });

  it("still flushes through the timer when no frame is drawn", () => {
    const t = fakeTimers();
    let flushes = 0;
    const s = createFlushScheduler(() => flushes++, t.timers);
    s.schedule();
    t.runTimeouts();
    expect(flushes).toBe(1);
    expect(t.frames.size).toBe(0);
  });

  it("cancel drops a scheduled flush", () => {
    const t = fakeTimers();
    let flushes = 0;
    const s = createFlushScheduler(() => flushes++, t.timers);
    s.schedule();
    s.cancel();
    t.runFrames();
    t.runTimeouts();
    expect(flushes).toBe(0);
  });
});
