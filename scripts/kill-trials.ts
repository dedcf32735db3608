import { parseArgs } from "node:util";
import { trialTable, type TrialResult } from "../test/scale/hall";
import { nodeTrials, workerTrials } from "../test/scale/trials";

/**
 * `npx tsx scripts/kill-trials.ts [--trials 10] [--students 120] [--mode nodes|workers|both]`
 *
 * SPEC §11's promise, tried many times: a burst of check-ins, and mid-burst a
 * node (two nodes on a throwaway PostgreSQL + Redis) or a worker (WORKERS=2 on
 * SQLite) is killed with SIGKILL. Prints, per trial, the check-ins
 * acknowledged, the rows in the database and the acknowledged ones missing
 * from it (lost: must be 0), and whether the surviving console kept getting
 * codes. Exits 1 if any trial lost a check-in or the console went quiet.
 */
const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "10" },
    students: { type: "string", default: "120" },
    mode: { type: "string", default: "both" },
  },
});
const trials = Number(values.trials);
const students = Number(values.students);
const mode = values.mode;
if (!Number.isInteger(trials) || trials < 1 || !Number.isInteger(students) || students < 4 || !["nodes", "workers", "both"].includes(mode!)) {
  console.error("usage: tsx scripts/kill-trials.ts [--trials N ≥ 1] [--students N ≥ 4] [--mode nodes|workers|both]");
  process.exit(2);
}

const bad = (r: TrialResult) => r.lost > 0 || r.codesAfterKill < 1 || r.duplicateCodes > 0 || r.consoleKept === false || r.unanswered > 0;

async function main() {
  const log = (l: string) => console.error(l);
  const tables: string[] = [];
  let failed = false;
  if (mode !== "workers") {
    const r = await nodeTrials({ trials, students, log });
    tables.push(trialTable(`Two nodes on PostgreSQL + Redis, node A SIGKILLed mid-burst (${students} phones, 3 in 4 on node A; console on node B)`, r));
    failed ||= r.some(bad);
  }
  if (mode !== "nodes") {
    const r = await workerTrials({ trials, students, log });
    tables.push(
      trialTable(`WORKERS=2 on SQLite, the worker without the console SIGKILLed mid-burst (${students} phones)`, r) +
        `\nworker replaced every time: ${r.every((x) => x.replaced) ? "yes" : "no"}`,
    );
    failed ||= r.some(bad) || r.some((x) => !x.replaced);
  }
  console.log(tables.join("\n\n"));
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
