import type { TargetSummary } from "./analyze";
import { fmt } from "./report";

/**
 * The modes side by side (`--workers`, `--nodes`): the floor, the single
 * process, and each mode beyond one process, on the same schedule. CPU is all
 * the mode's processes over the minute: for the floor and the single process
 * their own `/__bench/stats`; beyond one process /proc for the primary and
 * workers or the nodes, with PostgreSQL and Redis on a line of their own.
 */
export type ModeColumn = { label: string; summary: TargetSummary; services: number; killed: string | null };

export function modesTable(columns: ModeColumn[], kill: boolean): string {
  const floor = columns.find((c) => c.label === "floor");
  const cpu = (c: ModeColumn) => c.summary.server.cpuUserMs + c.summary.server.cpuSystemMs;
  const appCpu = (c: ModeColumn) => cpu(c) - c.services;
  const perPhone = (ms: number, c: ModeColumn) => ms / c.summary.students;
  const rows: [string, (c: ModeColumn) => number | string][] = [
    ["check-ins acknowledged", (c) => `${fmt(c.summary.acknowledged)} / ${fmt(c.summary.students)}`],
    ["failed or unanswered check-ins", (c) => c.summary.failed],
    ["lost: acknowledged, not in the database", (c) => c.summary.lostDetail.notInDb],
    ["lost: acknowledged, never on the console", (c) => c.summary.lostDetail.notOnConsole],
    ["duplicated", (c) => c.summary.duplicated],
    ["database rows at the end", (c) => c.summary.dbRows],
    ["arrival-to-roster p50 (ms)", (c) => c.summary.arrivalToRosterMs.p50],
    ["arrival-to-roster p99 (ms)", (c) => c.summary.arrivalToRosterMs.p99],
    ["scan-to-roster p99 (ms)", (c) => c.summary.scanToRosterMs.p99],
    ["check-in ack p99 (ms)", (c) => c.summary.ackLatencyMs.p99],
    ["CPU per phone, Rollcall's processes (ms)", (c) => perPhone(appCpu(c), c)],
    ["CPU per phone, PostgreSQL + Redis (ms)", (c) => perPhone(c.services, c)],
    ["CPU per phone, all (ms)", (c) => perPhone(cpu(c), c)],
    ["  × the floor", (c) => (floor ? `${(cpu(c) / cpu(floor)).toFixed(1)}×` : "")],
    ["peak RSS, all processes (MiB)", (c) => c.summary.server.rssPeak / 1024 / 1024],
    ["generator CPU (ms)", (c) => c.summary.generator.cpuMs],
    ...(kill ? ([["killed during the minute", (c: ModeColumn) => c.killed ?? "—"]] as [string, (c: ModeColumn) => string][]) : []),
  ];
  const cells = rows.map(([label, pick]) => [label, ...columns.map((c) => fmt(pick(c)))]);
  const head = ["Modes, same schedule", ...columns.map((c) => c.label)];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  return [line(head), ...cells.map(line)].join("\n");
}
