import type { TargetSummary } from "./analyze";

export type Pair = { rollcall: TargetSummary; floor: TargetSummary | null };

/**
 * Issue 13's targets, for the report only: the bench fails on lost, duplicated
 * or failed check-ins, never on timings. They are defined for the page flow
 * with cold phones on the 2-core machine, Rollcall and the floor in one run.
 */
export const TARGETS = {
  coldPageLoadCpuMs: 0.5,
  visitCpuFloorRatio: 2,
  coldPhoneKiB: 120,
  arrivalFloorRatio: 3,
  moonshot: { students: 10_000, overSeconds: 30, arrivalP99Ms: 1_000 },
};

const KiB = 1024;
const MiB = 1024 * 1024;

type Row = [label: string, rollcall: number | string, floor: number | string | null, ratio: boolean];

export function fmt(v: number | string | null): string {
  if (v === null) return "—";
  if (typeof v === "string") return v;
  if (!Number.isFinite(v)) return "n/a";
  if (Math.abs(v) >= 100 || Number.isInteger(v)) return Math.round(v).toLocaleString("en-US");
  return v.toFixed(Math.abs(v) < 1 ? 2 : 1);
}

function ratio(a: number | string, b: number | string | null): string {
  if (typeof a !== "number" || typeof b !== "number" || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return "";
  return `${(a / b).toFixed(1)}×`;
}

export const cpuPerPhone = (s: TargetSummary) => (s.server.cpuUserMs + s.server.cpuSystemMs) / s.students;

function rows({ rollcall: r, floor: f }: Pair): Row[] {
  const both = <T>(pick: (s: TargetSummary) => T) => [pick(r), f ? pick(f) : null] as const;
  type P = "p50" | "p95" | "p99" | "max";
  const latency = (label: string, pick: (s: TargetSummary) => { p50: number; p95: number; p99: number; max: number }, ps: readonly P[] = ["p50", "p95", "p99", "max"]): Row[] =>
    ps.map((p) => [`${label} ${p} (ms)`, ...both((s) => pick(s)[p]), true] as Row);
  const codes = (s: TargetSummary) =>
    Object.entries(s.failedByCode)
      .map(([c, n]) => `${c} ${fmt(n)}`)
      .join(", ") || "0";
  const labels = [...new Set([...Object.keys(r.stepsMs), ...(f ? Object.keys(f.stepsMs) : [])])];
  const kib = (v: number) => (Number.isFinite(v) ? v / KiB : NaN);
  const bytes = (kind: "cold" | "warm"): Row[] => {
    if (!r.bytes[kind].phones && !f?.bytes[kind].phones) return [];
    // The socket flow's phones fetch the HTML only: they count as warm, but say so.
    const who = r.flow === "socket" ? "phone (HTML only)" : `${kind} phone`;
    return [
      [`${who}: KiB received (${fmt(r.bytes[kind].phones)} phones)`, ...both((s) => kib(s.bytes[kind].bytesIn)), true],
      [`${who}: KiB sent`, ...both((s) => kib(s.bytes[kind].bytesOut)), true],
      [`${who}: HTTP requests`, ...both((s) => s.bytes[kind].requests), false],
    ];
  };
  const pageLoad: Row[] = r.pageLoad
    ? [
        ["page load alone, cold: server CPU (ms)", ...both((s) => s.pageLoad?.cold.cpuMsPerLoad ?? NaN), true],
        ["page load alone, cold: KiB received", ...both((s) => kib(s.pageLoad?.cold.bytesIn ?? NaN)), true],
        ["page load alone, warm: server CPU (ms)", ...both((s) => s.pageLoad?.warm.cpuMsPerLoad ?? NaN), true],
        ["page load alone, warm: KiB received", ...both((s) => kib(s.pageLoad?.warm.bytesIn ?? NaN)), true],
      ]
    : [];
  return [
    ["check-ins acknowledged", ...both((s) => `${fmt(s.acknowledged)} / ${fmt(s.students)}`), false],
    ["failed (by error code)", ...both(codes), false],
    ...(r.flow === "page"
      ? ([["expired links, scanned again (students)", ...both((s) => s.expiredLinks.students), false]] as Row[])
      : []),
    ["lost", ...both((s) => s.lost), false],
    ["duplicated", ...both((s) => s.duplicated), false],
    ["double taps: both acked, one record", ...both((s) => `${fmt(s.doubleTaps.oneRecord)} / ${fmt(s.doubleTaps.students)}`), false],
    ["database rows at the end", ...both((s) => s.dbRows), false],
    ...latency("arrival-to-roster", (s) => s.arrivalToRosterMs),
    ...latency("scan-to-roster", (s) => s.scanToRosterMs),
    ...latency("check-in ack", (s) => s.ackLatencyMs, ["p50", "p99"] as const),
    ...labels.flatMap((label): Row[] =>
      (["p50", "p99"] as const).map((p) => [`  ${label} ${p} (ms)`, ...both((s) => s.stepsMs[label]?.[p] ?? NaN), true] as Row),
    ),
    ["server CPU per phone, whole visit (ms)", ...both(cpuPerPhone), true],
    ...pageLoad,
    ...bytes("cold"),
    ...bytes("warm"),
    ["throughput (check-ins/s)", ...both((s) => s.throughputPerSec), true],
    ["peak acks in one second", ...both((s) => s.peakAcksPerSec), true],
    ["server CPU (s)", ...both((s) => (s.server.cpuUserMs + s.server.cpuSystemMs) / 1000), true],
    ["server peak RSS (MiB)", ...both((s) => s.server.rssPeak / MiB), true],
    ["server event-loop delay p99 (ms)", ...both((s) => s.server.eventLoopDelayP99Ms), true],
    ["generator CPU (s)", ...both((s) => s.generator.cpuMs / 1000), false],
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

/** met: true / false, or null when this run cannot tell (no floor, no cold phones, not the moonshot's size). */
export type TargetCheck = { label: string; value: string; met: boolean | null };

export type RunShape = { students: number; overSeconds: number };

export function targetChecks({ rollcall: r, floor: f }: Pair, shape: RunShape): TargetCheck[] {
  const checks: TargetCheck[] = [
    { label: "0 lost, 0 duplicated, 0 failed", value: `${r.lost} / ${r.duplicated} / ${r.failed}`, met: r.lost === 0 && r.duplicated === 0 && r.failed === 0 },
  ];
  const times = (a: number, b: number) => `${fmt(a)} vs ${fmt(b)} ms (${(a / b).toFixed(1)}×)`;
  const cold = r.pageLoad?.cold.cpuMsPerLoad;
  checks.push({
    label: `server CPU for a cold page load (HTML + every file) ≤ ${TARGETS.coldPageLoadCpuMs} ms per phone`,
    value: cold === undefined ? "not measured (socket flow)" : `${fmt(cold)} ms${f?.pageLoad ? ` (floor ${fmt(f.pageLoad.cold.cpuMsPerLoad)} ms)` : ""}`,
    met: cold === undefined ? null : cold <= TARGETS.coldPageLoadCpuMs,
  });
  checks.push({
    label: `server CPU for the whole visit ≤ ${TARGETS.visitCpuFloorRatio}× the floor's`,
    value: f ? times(cpuPerPhone(r), cpuPerPhone(f)) : "no floor in this run",
    met: f ? cpuPerPhone(r) <= TARGETS.visitCpuFloorRatio * cpuPerPhone(f) : null,
  });
  const coldKiB = r.bytes.cold.phones ? r.bytes.cold.bytesIn / KiB : NaN;
  checks.push({
    label: `bytes per cold phone ≤ ${TARGETS.coldPhoneKiB} KiB`,
    value: Number.isFinite(coldKiB) ? `${fmt(coldKiB)} KiB received${f?.bytes.cold.phones ? ` (floor, brotli: ${fmt(f.bytes.cold.bytesIn / KiB)} KiB)` : ""}` : "no cold phones in this run",
    met: Number.isFinite(coldKiB) ? coldKiB <= TARGETS.coldPhoneKiB : null,
  });
  for (const p of ["p50", "p99"] as const) {
    const a = r.arrivalToRosterMs[p];
    const b = f?.arrivalToRosterMs[p];
    checks.push({
      label: `arrival-to-roster ${p} ≤ ${TARGETS.arrivalFloorRatio}× the floor's`,
      value: b !== undefined ? times(a, b) : "no floor in this run",
      met: b !== undefined && Number.isFinite(a) && Number.isFinite(b) ? a <= TARGETS.arrivalFloorRatio * b : null,
    });
  }
  const m = TARGETS.moonshot;
  const moonshotRun = shape.students >= m.students && shape.overSeconds <= m.overSeconds;
  checks.push({
    label: `moonshot: ${fmt(m.students)} over ${m.overSeconds} s with arrival-to-roster p99 ≤ ${fmt(m.arrivalP99Ms)} ms`,
    value: moonshotRun ? `${fmt(r.arrivalToRosterMs.p99)} ms` : `${fmt(r.arrivalToRosterMs.p99)} ms, but this run is ${fmt(shape.students)} over ${shape.overSeconds} s`,
    met: moonshotRun ? r.arrivalToRosterMs.p99 <= m.arrivalP99Ms : null,
  });
  return checks;
}

export function checksText(checks: TargetCheck[], caveat: string | null): string {
  return [
    `Targets of issue 13 (reported, never enforced)${caveat ? ` — ${caveat}` : ""}:`,
    ...checks.map((c) => `  ${c.met === null ? "n/a    " : c.met ? "met    " : "MISSED "} ${c.label}: ${c.value}`),
  ].join("\n");
}

/** Anything unusual that the table folds away. */
export function notes({ rollcall: r, floor: f }: Pair): string[] {
  const out: string[] = [];
  for (const [name, s] of [["Rollcall", r], ["floor", f]] as const) {
    if (!s) continue;
    const errs = Object.entries(s.phaseErrors);
    if (errs.length) out.push(`${name}: phone errors: ${errs.map(([k, n]) => `${k} ×${n}`).join(", ")}`);
    const statuses = Object.keys(s.join.statuses).filter((k) => k !== "200");
    if (statuses.length) out.push(`${name}: GET /join answered ${JSON.stringify(s.join.statuses)}`);
    for (const kind of ["cold", "warm"] as const) {
      const e = s.pageLoad?.[kind].errors ?? {};
      if (Object.keys(e).length) out.push(`${name}: page-load probe (${kind}) errors: ${JSON.stringify(e)}`);
    }
    if (s.expiredLinks.students)
      out.push(`${name}: ${s.expiredLinks.students} students' deep links expired before the page sent the check-in (${s.expiredLinks.attempts} refusals); they scanned the projector again, up to 3 scans`);
    if (s.neverOnRoster) out.push(`${name}: ${s.neverOnRoster} students never reached the console; arrival-to-roster and scan-to-roster count only those who did`);
    if (s.disconnects.teacher || s.disconnects.phones) out.push(`${name}: sockets dropped during the minute: console ${s.disconnects.teacher}, phones ${s.disconnects.phones}`);
    if (s.lost) out.push(`${name}: lost = ${JSON.stringify(s.lostDetail)}`);
    if (s.duplicated) out.push(`${name}: duplicated = ${JSON.stringify(s.duplicatedDetail)}`);
    if (s.unackedButRecorded) out.push(`${name}: ${s.unackedButRecorded} check-ins were recorded although the phone saw no success`);
    if (s.generator.eventLoopDelayP99Ms > 50) out.push(`${name}: the load generator itself lagged (event-loop p99 ${fmt(s.generator.eventLoopDelayP99Ms)} ms); latencies include that`);
  }
  return out;
}
