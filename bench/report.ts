import type { TargetSummary } from "./analyze";

export type Pair = { rollcall: TargetSummary; floor: TargetSummary | null };

// The issue's targets, for the report only: CI fails on lost or duplicated check-ins, never on timings.
export const TARGETS = { scanToRosterP99Ms: 250, floorRatio: 3, rssBytes: 1024 ** 3 };

const MiB = 1024 * 1024;

type Row = [label: string, rollcall: number | string, floor: number | string | null, ratio: boolean];

function fmt(v: number | string | null): string {
  if (v === null) return "—";
  if (typeof v === "string") return v;
  if (!Number.isFinite(v)) return "n/a";
  if (Math.abs(v) >= 100 || Number.isInteger(v)) return Math.round(v).toLocaleString("en-US");
  return v.toFixed(1);
}

function ratio(a: number | string, b: number | string | null): string {
  if (typeof a !== "number" || typeof b !== "number" || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return "";
  return `${(a / b).toFixed(1)}×`;
}

function rows({ rollcall: r, floor: f }: Pair): Row[] {
  const both = <T>(pick: (s: TargetSummary) => T) => [pick(r), f ? pick(f) : null] as const;
  const latency = (label: string, pick: (s: TargetSummary) => { p50: number; p95: number; p99: number; max: number }): Row[] =>
    (["p50", "p95", "p99", "max"] as const).map((p) => [`${label} ${p} (ms)`, ...both((s) => pick(s)[p]), true] as Row);
  const codes = (s: TargetSummary) =>
    Object.entries(s.failedByCode)
      .map(([c, n]) => `${c} ${fmt(n)}`)
      .join(", ") || "0";
  return [
    ["check-ins acknowledged", ...both((s) => `${fmt(s.acknowledged)} / ${fmt(s.students)}`), false],
    ["failed (by error code)", ...both(codes), false],
    ["lost", ...both((s) => s.lost), false],
    ["duplicated", ...both((s) => s.duplicated), false],
    ["double taps: both acked, one record", ...both((s) => `${fmt(s.doubleTaps.oneRecord)} / ${fmt(s.doubleTaps.students)}`), false],
    ["database rows at the end", ...both((s) => s.dbRows), false],
    ...latency("check-in ack", (s) => s.ackLatencyMs),
    ...latency("scan-to-roster", (s) => s.scanToRosterMs),
    ["arrival-to-roster p50 (ms)", ...both((s) => s.arrivalToRosterMs.p50), true],
    ["arrival-to-roster p99 (ms)", ...both((s) => s.arrivalToRosterMs.p99), true],
    ["  socket ack p99 (ms)", ...both((s) => s.ackLatencySocketMs.p99), true],
    ["  REST ack p99 (ms)", ...both((s) => s.ackLatencyRestMs.p99), true],
    ["  GET /join p99 (ms)", ...both((s) => s.phasesMs.join.p99), true],
    ["  socket handshake p99 (ms)", ...both((s) => s.phasesMs.handshake.p99), true],
    ["  session:watch p99 (ms)", ...both((s) => s.phasesMs.watch.p99), true],
    ["throughput (check-ins/s)", ...both((s) => s.throughputPerSec), true],
    ["peak acks in one second", ...both((s) => s.peakAcksPerSec), true],
    ["server peak RSS (MiB)", ...both((s) => s.server.rssPeak / MiB), true],
    ["server event-loop delay p99 (ms)", ...both((s) => s.server.eventLoopDelayP99Ms), true],
    ["server CPU (s)", ...both((s) => (s.server.cpuUserMs + s.server.cpuSystemMs) / 1000), true],
    ["server CPU per phone (ms)", ...both((s) => (s.server.cpuUserMs + s.server.cpuSystemMs) / s.students), true],
    ["generator event-loop delay p99 (ms)", ...both((s) => s.generator.eventLoopDelayP99Ms), false],
    ["generator arrival lag p99 (ms)", ...both((s) => s.generator.dispatchLagP99Ms), false],
  ];
}

export function table(pair: Pair, title: string): string {
  const body = rows(pair).map(([label, a, b, withRatio]) => [label, fmt(a), fmt(b), withRatio ? ratio(a, b) : ""]);
  const head = ["", "Rollcall", pair.floor ? "floor" : "(floor skipped)", pair.floor ? "ratio" : ""];
  const all = [head, ...body];
  const width = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join("   ").trimEnd();
  return [title, line(head), ...body.map(line)].join("\n");
}

export type TargetCheck = { label: string; value: string; met: boolean };

export function targetChecks({ rollcall: r, floor: f }: Pair): TargetCheck[] {
  const checks: TargetCheck[] = [
    { label: "0 lost, 0 duplicated, 0 failed", value: `${r.lost} / ${r.duplicated} / ${r.failed}`, met: r.lost === 0 && r.duplicated === 0 && r.failed === 0 },
    { label: `p99 scan-to-roster ≤ ${TARGETS.scanToRosterP99Ms} ms`, value: `${fmt(r.scanToRosterMs.p99)} ms`, met: r.scanToRosterMs.p99 <= TARGETS.scanToRosterP99Ms },
    { label: "server RSS ≤ 1 GiB", value: `${fmt(r.server.rssPeak / MiB)} MiB`, met: r.server.rssPeak <= TARGETS.rssBytes },
  ];
  if (f) {
    for (const [label, pick] of [
      ["check-in ack", (s: TargetSummary) => s.ackLatencyMs.p99],
      ["scan-to-roster", (s: TargetSummary) => s.scanToRosterMs.p99],
    ] as const) {
      const x = pick(r) / pick(f);
      checks.push({ label: `Rollcall p99 ${label} ≤ ${TARGETS.floorRatio}× floor`, value: `${x.toFixed(1)}×`, met: x <= TARGETS.floorRatio });
    }
  }
  return checks;
}

export function checksText(checks: TargetCheck[]): string {
  return ["Targets (reported, never enforced):", ...checks.map((c) => `  ${c.met ? "met    " : "MISSED "} ${c.label}: ${c.value}`)].join("\n");
}

/** Anything unusual that the table folds away. */
export function notes({ rollcall: r, floor: f }: Pair): string[] {
  const out: string[] = [];
  for (const [name, s] of [["Rollcall", r], ["floor", f]] as const) {
    if (!s) continue;
    const errs = Object.entries(s.phaseErrors);
    if (errs.length) out.push(`${name}: phone errors before check-in: ${errs.map(([k, n]) => `${k} ×${n}`).join(", ")}`);
    const statuses = Object.keys(s.join.statuses).filter((k) => k !== "200");
    if (statuses.length) out.push(`${name}: GET /join answered ${JSON.stringify(s.join.statuses)}`);
    if (s.disconnects.teacher || s.disconnects.phones) out.push(`${name}: sockets dropped during the minute: console ${s.disconnects.teacher}, phones ${s.disconnects.phones}`);
    if (s.lost) out.push(`${name}: lost = ${JSON.stringify(s.lostDetail)}`);
    if (s.duplicated) out.push(`${name}: duplicated = ${JSON.stringify(s.duplicatedDetail)}`);
    if (s.unackedButRecorded) out.push(`${name}: ${s.unackedButRecorded} check-ins were recorded although the phone saw no success`);
    if (s.generator.eventLoopDelayP99Ms > 50) out.push(`${name}: the load generator itself lagged (event-loop p99 ${fmt(s.generator.eventLoopDelayP99Ms)} ms); latencies include that`);
  }
  return out;
}
