import type { DbCheck } from "./db-check";
import type { Flow, LoadRun, PhoneBytes } from "./load";
import type { ServerStats } from "./server-stats";
import { summarize, type Summary } from "./stats";
import type { PageLoadCosts } from "./targets";

/** Per kind of phone: how many, and what each sent and received on the wire over its visit (means). */
export type BytesPerPhone = { phones: number; bytesIn: number; bytesOut: number; requests: number };

/** One server's figures for one run: what the table and the JSON show. */
export type TargetSummary = {
  flow: Flow;
  students: number;
  /** Students with at least one successful check-in ack. */
  acknowledged: number;
  /** Check-in requests (first tries and double taps) that got an error or no answer, by error code; an expired link scanned again is not a failure. */
  failed: number;
  failedByCode: Record<string, number>;
  /** Page flow: check-ins refused because the deep link's token expired before the page sent it, after which the student scanned again. */
  expiredLinks: { attempts: number; students: number };
  /** Students who never got a successful ack. */
  notCheckedIn: number;
  /** Students acked but absent from the database, never shown on the teacher's console, or acked with someone else's record. */
  lost: number;
  lostDetail: { notInDb: number; notOnConsole: number; wrongRecord: number };
  /** Students with more than one row, more than one `alreadyCheckedIn: false`, or more than one console event. */
  duplicated: number;
  duplicatedDetail: { dbRows: number; createdAcks: number; consoleEvents: number };
  /** Students who sent two concurrent check-ins, and how many of them ended with both acked, one created and one row. */
  doubleTaps: { students: number; oneRecord: number };
  /** Committed although the phone saw an error or no answer: not lost, but the phone does not know. */
  unackedButRecorded: number;
  ackLatencyMs: Summary;
  ackLatencySocketMs: Summary;
  ackLatencyRestMs: Summary;
  scanToRosterMs: Summary;
  /** From the phone's arrival (opening /join) to the console showing the student: the whole wait as the student lives it. */
  arrivalToRosterMs: Summary;
  /** Students the console never showed (no successful check-in, or lost). */
  neverOnRoster: number;
  /** Per step of a visit, in the order the phones took them. */
  stepsMs: Record<string, Summary>;
  bytes: { cold: BytesPerPhone; warm: BytesPerPhone };
  /** Page flow: server CPU and bytes of a page load alone, measured before the minute. */
  pageLoad: PageLoadCosts | null;
  phaseErrors: Record<string, number>;
  /** Sockets the server dropped during the minute (not counting the bench closing them at the end). */
  disconnects: { teacher: number; phones: number };
  join: { statuses: Record<string, number>; wireBytes: number; bytes: number };
  throughputPerSec: number;
  peakAcksPerSec: number;
  durationMs: number;
  dbRows: number;
  auditCheckins: number | null;
  consoleCounts: { present: number; total: number } | null;
  server: ServerStats;
  generator: LoadRun["generator"] & { dispatchLagP99Ms: number };
};

function peakPerSecond(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi] - t[lo] >= 1000) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const perPhone = (b: PhoneBytes): BytesPerPhone => ({ phones: b.bytesIn.length, bytesIn: mean(b.bytesIn), bytesOut: mean(b.bytesOut), requests: mean(b.requests) });

export function analyze(run: LoadRun, db: DbCheck, studentIds: string[]): TargetSummary {
  const { attempts } = run;
  const idOf = (student: number) => studentIds[student];

  const failedByCode: Record<string, number> = {};
  for (const a of attempts) if (!a.ok && !a.rescanned) failedByCode[a.error ?? "unknown"] = (failedByCode[a.error ?? "unknown"] ?? 0) + 1;
  const rescans = attempts.filter((a) => a.rescanned);

  const firstSend = new Map<string, number>();
  const created = new Map<string, number>();
  const acked = new Set<string>();
  const wrongRecord = new Set<string>();
  for (const a of attempts) {
    const id = idOf(a.student);
    firstSend.set(id, Math.min(firstSend.get(id) ?? Infinity, a.sentAt));
    if (!a.ok) continue;
    if (a.recordStudentId !== id) wrongRecord.add(id);
    acked.add(id);
    if (a.alreadyCheckedIn === false) created.set(id, (created.get(id) ?? 0) + 1);
  }

  // Counted in students: one student lost (or duplicated) several ways counts once.
  const notInDb = [...acked].filter((id) => !db.perStudent.has(id));
  const notOnConsole = [...acked].filter((id) => !run.marked.has(id));
  const lost = new Set([...notInDb, ...notOnConsole, ...wrongRecord]);
  const dbDup = [...db.perStudent].filter(([, n]) => n > 1).map(([id]) => id);
  const ackDup = [...created].filter(([, n]) => n > 1).map(([id]) => id);
  const duplicated = new Set([...dbDup, ...ackDup, ...run.markedTwice]);

  const answered = attempts.filter((a) => a.ackAt !== null && a.error !== "ack_timeout" && !a.error?.startsWith("http_error"));
  const lat = (list: typeof attempts) => summarize(list.map((a) => a.ackAt! - a.sentAt));
  const scanToRoster = [...run.marked].filter(([id]) => firstSend.has(id)).map(([id, at]) => at - firstSend.get(id)!);
  const indexOf = new Map(studentIds.map((id, i) => [id, i]));
  const arrivalToRoster = [...run.marked]
    .filter(([id]) => run.arrivedAt.has(indexOf.get(id) ?? -1))
    .map(([id, at]) => at - run.arrivedAt.get(indexOf.get(id)!)!);
  const okAcks = attempts.filter((a) => a.ok).map((a) => a.ackAt!);
  const lastOk = okAcks.length ? Math.max(...okAcks) : run.startedAt;
  const tapped = new Set(attempts.filter((a) => a.repeat).map((a) => idOf(a.student)));
  // Both taps answered with success (a tap refused for an expired link was followed by a fresh scan, which must succeed), one record.
  const allAnswered = (id: string) => attempts.every((a) => idOf(a.student) !== id || a.ok || a.rescanned);
  const oneRecord = [...tapped].filter((id) => allAnswered(id) && created.get(id) === 1 && db.perStudent.get(id) === 1).length;

  return {
    flow: run.flow,
    students: studentIds.length,
    acknowledged: acked.size,
    failed: attempts.filter((a) => !a.ok && !a.rescanned).length,
    failedByCode,
    expiredLinks: { attempts: rescans.length, students: new Set(rescans.map((a) => a.student)).size },
    notCheckedIn: studentIds.length - acked.size,
    lost: lost.size,
    lostDetail: { notInDb: notInDb.length, notOnConsole: notOnConsole.length, wrongRecord: wrongRecord.size },
    duplicated: duplicated.size,
    duplicatedDetail: { dbRows: dbDup.length, createdAcks: ackDup.length, consoleEvents: run.markedTwice.size },
    doubleTaps: { students: tapped.size, oneRecord },
    unackedButRecorded: [...db.perStudent.keys()].filter((id) => !acked.has(id)).length,
    ackLatencyMs: lat(answered),
    ackLatencySocketMs: lat(answered.filter((a) => a.channel === "socket")),
    ackLatencyRestMs: lat(answered.filter((a) => a.channel === "rest")),
    scanToRosterMs: summarize(scanToRoster),
    arrivalToRosterMs: summarize(arrivalToRoster),
    neverOnRoster: studentIds.filter((id) => !run.marked.has(id)).length,
    stepsMs: Object.fromEntries(Object.entries(run.steps).map(([label, xs]) => [label, summarize(xs)])),
    bytes: { cold: perPhone(run.phones.cold), warm: perPhone(run.phones.warm) },
    pageLoad: null,
    phaseErrors: run.phaseErrors,
    disconnects: { teacher: run.teacherDisconnects, phones: run.phoneDisconnects },
    join: run.join,
    throughputPerSec: acked.size / Math.max(0.001, (lastOk - run.startedAt) / 1000),
    peakAcksPerSec: peakPerSecond(okAcks),
    durationMs: run.finishedAt - run.startedAt,
    dbRows: db.rows,
    auditCheckins: db.auditCheckins,
    consoleCounts: run.teacherCounts ? { present: run.teacherCounts.present + run.teacherCounts.late, total: run.teacherCounts.total } : null,
    server: run.server,
    generator: { ...run.generator, dispatchLagP99Ms: summarize(run.dispatchLagMs).p99 },
  };
}
