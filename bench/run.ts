import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TargetSummary } from "./analyze";
import { ensureBuild, type BuildInfo } from "./build";
import { parseOptions, USAGE, type BenchOptions } from "./options";
import { mainThreadProfile, profileText, summarizeProfile, type ProfileSummary } from "./profile";
import { checksText, fmt, notes, table, targetChecks, type Pair } from "./report";
import { buildSchedule, peakRate, type Arrival } from "./schedule";
import { medianOf } from "./stats";
import { benchScaled, modeLabel, type ScaledExtras, type ScaledMode } from "./scaled";
import { modesTable, type ModeColumn } from "./modes-report";
import { benchFloor, benchRollcall, type RollcallExtras } from "./targets";

/** Page loads timed alone before the minute (server CPU and bytes of a page load, cold and warm). */
const PROBE_LOADS = 200;

/**
 * `npm run bench`: the lecture-hall minute against the production Rollcall
 * server and against the floor, side by side. Exits non-zero only when a
 * check-in was lost or duplicated (or the bench itself broke), never on timings.
 */
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const RESULTS_DIR = path.join(__dirname, "results");
const log = (line: string) => process.stderr.write(line + "\n");

type Scaled = { summary: TargetSummary; extras: ScaledExtras };
type RunResult = Pair & { rollcallExtras: RollcallExtras; profile: ProfileSummary | null; scaled: Scaled[] };

const modesOf = (opts: BenchOptions): ScaledMode[] => [
  ...opts.workers.map((workers): ScaledMode => ({ kind: "workers", workers })),
  ...opts.nodes.map((nodes): ScaledMode => ({ kind: "nodes", nodes })),
];

async function runOnce(opts: BenchOptions, schedule: Arrival[], n: number, stamp: string): Promise<RunResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rollcall-bench-"));
  const cpuProfDir = opts.profile ? path.join(RESULTS_DIR, `${stamp}-profile-run${n}`) : null;
  try {
    log(`run ${n}/${opts.runs}: Rollcall`);
    const common = { students: opts.students, schedule, flow: opts.flow, dir, log, probeLoads: PROBE_LOADS };
    const rc = await benchRollcall({ ...common, cpuProfDir });
    if (n === 1 && opts.json) for (const line of rc.extras.planText) log(line);
    // Beyond one process: the same schedule and the page plan just recorded.
    const scaled: Scaled[] = [];
    for (const mode of modesOf(opts)) {
      log(`run ${n}/${opts.runs}: Rollcall, ${modeLabel(mode)}${opts.kill ? ", one process killed" : ""}`);
      const sub = mkdtempSync(path.join(dir, "scaled-"));
      scaled.push(
        await benchScaled({
          mode,
          students: opts.students,
          schedule,
          flow: opts.flow,
          page: rc.extras.page,
          dir: sub,
          log,
          kill: opts.kill,
          killAtMs: (opts.killAt ?? opts.over / 2) * 1000,
        }),
      );
    }
    let floor: TargetSummary | null = null;
    if (!opts.skipFloor) {
      log(`run ${n}/${opts.runs}: floor`);
      floor = (await benchFloor({ ...common, bundleFile: rc.extras.bundleFile, page: rc.extras.page })).summary;
    }
    let profile: ProfileSummary | null = null;
    const file = cpuProfDir && mainThreadProfile(cpuProfDir);
    if (file) {
      const s = rc.summary.server;
      profile = summarizeProfile(file, { start: s.windowStartUs, end: s.windowEndUs });
    }
    return { rollcall: rc.summary, floor, rollcallExtras: rc.extras, profile, scaled };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function gitCommit(): string | null {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { encoding: "utf8" }).trim() !== "";
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return null;
  }
}

async function main(): Promise<number> {
  let opts: BenchOptions | "help";
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    log(`bench: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === "help") {
    log(USAGE);
    return 0;
  }

  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, "-");
  mkdirSync(RESULTS_DIR, { recursive: true });
  const build: BuildInfo = ensureBuild(log);
  const schedule = buildSchedule({
    students: opts.students,
    overSeconds: opts.over,
    restShare: opts.restShare,
    doubleTap: opts.doubleTap,
    coldShare: opts.flow === "page" ? opts.coldShare : 0,
    seed: opts.seed,
  });
  const cold = schedule.filter((a) => a.cold).length;
  const flow =
    opts.flow === "page"
      ? `page flow, ${fmt(cold)} cold phone${cold === 1 ? "" : "s"} and ${fmt(opts.students - cold)} warm`
      : `socket flow, ${Math.round(opts.restShare * 100)}% REST`;
  log(
    `bench: ${opts.students} students over ${opts.over} s (seed ${opts.seed}; peak ${peakRate(schedule)} arrivals/s; ` +
      `${flow}; ${schedule.filter((a) => a.doubleTap).length} double taps)`,
  );

  const loadBefore = os.loadavg();
  const runs: RunResult[] = [];
  for (let n = 1; n <= opts.runs; n++) runs.push(await runOnce(opts, schedule, n, stamp));
  const median: Pair = { rollcall: medianOf(runs.map((r) => r.rollcall)), floor: opts.skipFloor ? null : medianOf(runs.map((r) => r.floor!)) };
  const scaledMedian: Scaled[] = modesOf(opts).map((_, i) => ({
    summary: medianOf(runs.map((r) => r.scaled[i].summary)),
    extras: runs[0].scaled[i].extras,
  }));

  // Lost, duplicated or failed in any run, on either server, fails the bench: on the floor it would mean the harness miscounts.
  const broken = runs.flatMap((r, i) =>
    [r.rollcall, r.floor].flatMap((s) =>
      s && (s.lost > 0 || s.duplicated > 0 || s.failed > 0)
        ? [`run ${i + 1}: ${s === r.rollcall ? "Rollcall" : "floor"} lost ${s.lost}, duplicated ${s.duplicated}, failed ${s.failed}`]
        : [],
    ),
  );
  // Beyond one process: an acknowledged check-in missing from the database, or a duplicate, always fails; with --kill the
  // phones on the killed process may get no answer (they are told to scan again), which is not a failure.
  runs.forEach((r, i) =>
    r.scaled.forEach((s) => {
      const notInDb = s.summary.lostDetail.notInDb;
      if (notInDb > 0 || s.summary.duplicated > 0 || (!opts.kill && (s.summary.lost > 0 || s.summary.failed > 0)))
        broken.push(`run ${i + 1}: ${s.extras.mode} lost ${s.summary.lost} (not in the database ${notInDb}), duplicated ${s.summary.duplicated}, failed ${s.summary.failed}`);
    }),
  );
  const checks = targetChecks(median, { students: opts.students, overSeconds: opts.over });
  const caveat =
    opts.flow !== "page"
      ? "they are defined for the page flow; this run is the socket flow"
      : cold < opts.students
        ? `they are defined for cold phones; ${fmt(opts.students - cold)} of this run's phones are warm`
        : null;
  const result = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    options: opts,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memoryBytes: os.totalmem(), node: process.version, loadBefore, loadAfter: os.loadavg() },
    commit: gitCommit(),
    build,
    schedule: {
      peakArrivalsPerSec: peakRate(schedule),
      rest: opts.flow === "socket" ? schedule.filter((a) => a.channel === "rest").length : null,
      doubleTaps: schedule.filter((a) => a.doubleTap).length,
      cold,
    },
    plan: runs[0].rollcallExtras.page?.plan ?? null,
    median,
    scaled: scaledMedian,
    targets: checks,
    failedBecause: broken,
    runs,
  };
  const file = path.join(RESULTS_DIR, `${stamp}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + "\n");

  if (opts.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  } else {
    const title = `Lecture-hall bench: ${opts.students} students over ${opts.over} s, seed ${opts.seed}, ${flow}` +
      (opts.runs > 1 ? ` — median of ${opts.runs} runs` : "") + ` (load average before: ${loadBefore.map((l) => l.toFixed(2)).join(" ")})`;
    const out = [...runs[0].rollcallExtras.planText, ...(runs[0].rollcallExtras.planText.length ? [""] : []), table(median, title), "", checksText(checks, caveat)];
    if (scaledMedian.length) {
      const columns: ModeColumn[] = [
        ...(median.floor ? [{ label: "floor", summary: median.floor, services: 0, killed: null }] : []),
        { label: "single process", summary: median.rollcall, services: 0, killed: null },
        ...scaledMedian.map((s) => ({ label: s.extras.mode, summary: s.summary, services: s.extras.cpuMs.postgres + s.extras.cpuMs.redis, killed: s.extras.killed?.what ?? null })),
      ];
      out.push("", modesTable(columns, opts.kill));
    }
    if (opts.runs > 1) {
      out.push("", "Per run (Rollcall / floor): arrival-to-roster p50, p99, scan-to-roster p99 (ms), CPU per phone (ms), lost/dup/failed");
      runs.forEach((r, i) => {
        const line = (s: TargetSummary | null) =>
          s
            ? `${fmt(s.arrivalToRosterMs.p50)}, ${fmt(s.arrivalToRosterMs.p99)}, ${fmt(s.scanToRosterMs.p99)}, ${fmt((s.server.cpuUserMs + s.server.cpuSystemMs) / s.students)}, ${s.lost}/${s.duplicated}/${s.failed}`
            : "—";
        out.push(`  run ${i + 1}: ${line(r.rollcall)}  |  ${line(r.floor)}`);
      });
    }
    const extra = runs.flatMap((r) => notes(r));
    const busiest = Math.max(loadBefore[0], result.machine.loadAfter[0]);
    if (busiest > os.cpus().length)
      extra.unshift(
        `The machine was busy (1-minute load average up to ${busiest.toFixed(1)} on ${os.cpus().length} cores): every latency includes waiting for a CPU, ` +
          "the floor's too; compare ratios within one run, and prefer the CPU figures.",
      );
    if (extra.length) out.push("", ...new Set(extra));
    const proof = runs[0].rollcallExtras.tokenProof;
    out.push(
      "",
      `Tokens: students' bearer tokens were minted with issueToken() (what POST /api/token returns); ${proof.studentEmail} used a real one from ` +
        `POST /api/token instead (GET /api/me identical for both: ${proof.sameMeReply}; same JWE header: ${proof.sameHeader}).`,
    );
    for (const r of runs) if (r.profile) out.push("", profileText(r.profile));
    out.push("", `Full result: ${path.relative(process.cwd(), file)}`);
    if (broken.length) out.push("", "FAILED: " + broken.join("; "));
    process.stdout.write(out.join("\n") + "\n");
  }
  return broken.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
