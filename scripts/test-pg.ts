import { spawnSync } from "node:child_process";
import path from "node:path";
import { findPostgresBin, POSTGRES_MISSING } from "../test/services/postgres";

/**
 * `npm run test:pg [-- vitest args]`: the Vitest suite again, on a throwaway
 * PostgreSQL. Without PostgreSQL's server binaries it says so and skips
 * (success), unless ROLLCALL_REQUIRE_POSTGRES=1 (CI), where skipping would hide
 * a whole engine.
 */
const bin = findPostgresBin();
if (!bin) {
  if (process.env.ROLLCALL_REQUIRE_POSTGRES === "1") {
    console.error(`test:pg: ${POSTGRES_MISSING}; ROLLCALL_REQUIRE_POSTGRES=1, so this is a failure.`);
    process.exit(1);
  }
  console.log(`\ntest:pg: SKIPPED the PostgreSQL run. ${POSTGRES_MISSING}.\n`);
  process.exit(0);
}
console.log(`test:pg: the suite on PostgreSQL (server binaries in ${bin})`);
const r = spawnSync(process.execPath, [path.join(path.dirname(require.resolve("vitest/package.json")), "vitest.mjs"), "run", "--config", "vitest.pg.config.mts", ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(r.status ?? 1);
