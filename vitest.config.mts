import { fileURLToPath } from "node:url";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.dirname(fileURLToPath(import.meta.url)) } },
  test: {
    environment: "node",
    include: ["**/*.test.ts"],
    // test/scale/ starts real nodes from the production build: `npm run test:scale` (vitest.scale.config.mts).
    exclude: ["node_modules/**", "e2e/**", ".next*/**", "bench/**", "test/scale/**"],
    setupFiles: ["test/setup.ts"],
    pool: "forks",
    // CI sums both runners' JSON into one "N passed, N failed" line (.ci/summarize.mjs).
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci-results/vitest.json" }]] : ["default"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
