import { defineConfig } from "vitest/config";
import base from "./vitest.config.mts";

/**
 * The same suite on PostgreSQL: `npm run test:pg` (scripts/test-pg.mjs starts
 * it, or says why it cannot). test/pg-global-setup.ts starts a throwaway
 * server; test/setup.ts gives each test file its own database on it.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    env: { ...base.test?.env, ROLLCALL_TEST_ENGINE: "postgres" },
    globalSetup: ["test/pg-global-setup.ts"],
    // SQLite's own adapter and migration history have nothing to say about PostgreSQL.
    exclude: [...(base.test?.exclude ?? []), "lib/db/sqlite.test.ts", "lib/db/migrations.test.ts"],
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci-results/vitest-pg.json" }]] : ["default"],
  },
});
