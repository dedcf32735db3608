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
  return ensureBuildIn(BENCH_DIST_DIR, log, { label: "bench" });
}

/** The same rule for any dist folder (the multi-node tests serve `.next`, what `npm start` builds). */
export function ensureBuildIn(distDir: string, log: (line: string) => void, o: { cwd?: string; label?: string } = {}): BuildInfo {
  const cwd = o.cwd ?? process.cwd();
  const at = (p: string) => path.resolve(cwd, p);
  const what = o.label ? `${o.label} build` : "build";
  const started = performance.now();
  const buildId = at(path.join(distDir, "BUILD_ID"));
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const newest = Math.max(...SOURCE_DIRS.map((d) => newestMtime(at(d))), ...SOURCE_FILES.map((f) => newestMtime(at(f))));
  if (builtAt && builtAt >= newest) return { distDir, rebuilt: false, ms: 0, reason: "up to date" };

  const reason = builtAt ? `sources changed since the last ${what}` : `no ${what} yet`;
  log(`${o.label ?? "rollcall"}: ${reason}; running \`next build\` into ${distDir} …`);
  const tsconfigFile = at("tsconfig.json");
  const tsconfig = existsSync(tsconfigFile) ? readFileSync(tsconfigFile) : null;
  const r = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], {
    cwd,
    env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", 2, 2],
  });
  if (tsconfig && !readFileSync(tsconfigFile).equals(tsconfig)) writeFileSync(tsconfigFile, tsconfig);
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status ?? r.signal})`);
  return { distDir, rebuilt: true, ms: performance.now() - started, reason };
}
