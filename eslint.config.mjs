import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    // Tests poke at JSON replies of every shape; `any` there costs nothing.
    files: ["**/*.test.ts", "test/**", "e2e/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  globalIgnores([".next*/**", "node_modules/**", "drizzle/**", "test-results/**", "playwright-report/**", "bench/results/**", "data/**", "next-env.d.ts", "public/**"]),
]);
