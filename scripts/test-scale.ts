import { spawnSync } from "node:child_process";
import path from "node:path";
import { findPostgresBin, POSTGRES_MISSING } from "../test/services/postgres";
import { findRedisServer, REDIS_MISSING } from "../test/services/redis";

/**
 * `npm run test:scale [-- vitest args]`: several Rollcall processes and nodes
 * for real (test/scale/): two nodes on a throwaway PostgreSQL + Redis,
 * WORKERS=2, the nginx example of docs/DEPLOY.md. Needs PostgreSQL's server
 * binaries and redis-server; without them it says so and skips (success),
 * unless ROLLCALL_REQUIRE_POSTGRES=1 (CI). The nginx test skips by itself when
 * nginx is missing, unless ROLLCALL_REQUIRE_NGINX=1.
 */
const missing = [findPostgresBin() ? null : POSTGRES_MISSING, findRedisServer() ? null : REDIS_MISSING].filter(Boolean);
if (missing.length) {
  if (process.env.ROLLCALL_REQUIRE_POSTGRES === "1") {
    console.error(`test:scale: ${missing.join("; ")}; ROLLCALL_REQUIRE_POSTGRES=1, so this is a failure.`);
    process.exit(1);
  }
  console.log(`\ntest:scale: SKIPPED the multi-node and WORKERS tests. ${missing.join("; ")}.\n`);
  process.exit(0);
}
const r = spawnSync(process.execPath, [path.join(path.dirname(require.resolve("vitest/package.json")), "vitest.mjs"), "run", "--config", "vitest.scale.config.mts", ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(r.status ?? 1);
