import { fileURLToPath } from "node:url";
import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:scale` (scripts/test-scale.ts): Rollcall beyond one process
 * (SPEC §11) against real nodes started from the production build, on
 * throwaway PostgreSQL and Redis, and WORKERS=2. One file at a time: each
 * starts several servers on a 2-core machine.
 */
export default defineConfig({
  resolve: { alias: { "@": path.dirname(fileURLToPath(import.meta.url)) } },
  test: {
    environment: "node",
    include: ["test/scale/**/*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci-results/vitest-scale.json" }]] : ["default"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
