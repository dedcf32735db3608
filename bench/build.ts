import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The bench's own Next build folder, so it never clobbers the one `npm start` or the e2e suite serve. */
export const BENCH_DIST_DIR = process.env.BENCH_DIST_DIR || ".next-bench";

const SOURCE_DIRS = ["app", "lib", "components"];
const SOURCE_FILES = ["next.config.ts"];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const st = statSync(entry);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file shows as a newer directory
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

export type BuildInfo = { distDir: string; rebuilt: boolean; ms: number; reason: string };

/**
 * Builds into BENCH_DIST_DIR when its BUILD_ID is missing or older than the
 * newest file under app/, lib/, components/ (or next.config.ts). `next build`
 * adds its dist folder's type paths to tsconfig.json; the bench puts the file
 * back as it was, since the folder is the bench's private business.
 */
export function ensureBuild(log: (line: string) => void): BuildInfo {
  const started = performance.now();
  const buildId = path.join(BENCH_DIST_DIR, "BUILD_ID");
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const newest = Math.max(...SOURCE_DIRS.map(newestMtime), ...SOURCE_FILES.map(newestMtime));
  if (builtAt && builtAt >= newest) return { distDir: BENCH_DIST_DIR, rebuilt: false, ms: 0, reason: "up to date" };

  const reason = builtAt ? "sources changed since the last bench build" : "no bench build yet";
  log(`bench: ${reason}; running \`next build\` into ${BENCH_DIST_DIR} …`);
  const tsconfig = existsSync("tsconfig.json") ? readFileSync("tsconfig.json") : null;
  const r = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], {
    env: { ...process.env, NEXT_DIST_DIR: BENCH_DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", 2, 2],
  });
  if (tsconfig && !readFileSync("tsconfig.json").equals(tsconfig)) writeFileSync("tsconfig.json", tsconfig);
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status ?? r.signal})`);
  return { distDir: BENCH_DIST_DIR, rebuilt: true, ms: performance.now() - started, reason };
}
