import { parseArgs } from "node:util";
import { z } from "zod";

export const USAGE = `npm run bench -- [options]

  --students N      simulated phones, one student each          (default 3000)
  --over S          seconds over which they arrive              (default 10)
  --flow page|socket
                    page: every phone does what /join does in a browser,
                    recorded from the page in Chromium (default);
                    socket: the idealised phone (HTML only, socket first)
  --cold-share F    page flow: share of phones with an empty cache, which
                    fetch the page's files (default 1: the first lecture of
                    term); the others have them cached
  --rest-share F    socket flow: share checking in by POST /api/checkin
                                                                (default 0.2; the rest use the socket)
  --double-tap F    share that also send a second, concurrent check-in
                    (socket flow: over the other channel)       (default 0.02)
  --seed N          seed of the arrival schedule                (default 1)
  --runs N          repeat the whole bench, report medians      (default 1)
  --workers N[,N…]  also run Rollcall as WORKERS=N on one machine (its
                    SQLite file, nothing else), beside the single process
  --nodes N[,N…]    also run N Rollcall nodes on a throwaway PostgreSQL +
                    Redis, phones spread over them round robin
  --kill            in those runs, SIGKILL one worker (not the console's) or
                    the last node during the minute
  --kill-at S       seconds into the minute to kill       (default: --over / 2)
  --skip-floor      measure Rollcall only
  --profile         run the Rollcall server with --cpu-prof and summarise where time went
  --json            print the JSON result on stdout instead of the table
  --help`;

const schema = z.object({
  students: z.coerce.number().int().min(1).max(20_000),
  over: z.coerce.number().positive().max(600),
  flow: z.enum(["page", "socket"]),
  coldShare: z.coerce.number().min(0).max(1),
  restShare: z.coerce.number().min(0).max(1),
  doubleTap: z.coerce.number().min(0).max(1),
  seed: z.coerce.number().int(),
  runs: z.coerce.number().int().min(1).max(20),
  workers: z.array(z.number().int().min(1).max(16)),
  nodes: z.array(z.number().int().min(1).max(8)),
  kill: z.boolean(),
  killAt: z.number().min(0).nullable(),
  skipFloor: z.boolean(),
  profile: z.boolean(),
  json: z.boolean(),
});

export type BenchOptions = z.infer<typeof schema>;

/** "1,2,4" → [1, 2, 4]; "" → []. */
const list = (v: string | undefined) => (v ? v.split(",").map((x) => (x.trim() === "" ? NaN : Number(x))) : []);

export function parseOptions(argv: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      students: { type: "string", default: "3000" },
      over: { type: "string", default: "10" },
      flow: { type: "string", default: "page" },
      "cold-share": { type: "string", default: "1" },
      "rest-share": { type: "string", default: "0.2" },
      "double-tap": { type: "string", default: "0.02" },
      seed: { type: "string", default: "1" },
      runs: { type: "string", default: "1" },
      workers: { type: "string", default: "" },
      nodes: { type: "string", default: "" },
      kill: { type: "boolean", default: false },
      "kill-at": { type: "string" },
      "skip-floor": { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return "help";
  const parsed = schema.safeParse({
    students: values.students,
    over: values.over,
    flow: values.flow,
    coldShare: values["cold-share"],
    restShare: values["rest-share"],
    doubleTap: values["double-tap"],
    seed: values.seed,
    runs: values.runs,
    workers: list(values.workers),
    nodes: list(values.nodes),
    kill: values.kill,
    killAt: values["kill-at"] === undefined ? null : Number(values["kill-at"]),
    skipFloor: values["skip-floor"],
    profile: values.profile,
    json: values.json,
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`bad option --${String(i.path[0]).replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}: ${i.message}`);
  }
  return parsed.data;
}
