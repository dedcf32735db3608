import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    // The browser's side of the split: UI code never reaches the database,
    // the settings (secrets), tokens or password hashing, even by accident.
    // Server-only special files (pages, layouts) may load data through the domain.
    files: ["components/**/*.{ts,tsx}", "app/**/*.{ts,tsx}", "pages/**/*.{ts,tsx}"],
    ignores: ["app/api/**", "app/**/page.tsx", "app/**/layout.tsx", "app/**/not-found.tsx", "app/**/actions.ts", "app/manifest.ts", "**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/lib/db", "@/lib/db/*", "**/lib/db", "**/lib/db/*"], message: "UI code does not touch the database: load data in a page (server) through the domain." },
            { group: ["@/lib/env", "**/lib/env"], message: "Settings hold secrets: read them on the server and pass what the UI needs as props." },
            { group: ["@/lib/auth/tokens", "@/lib/auth/password", "@/lib/auth/users", "**/lib/auth/tokens", "**/lib/auth/password", "**/lib/auth/users"], message: "Tokens and passwords stay on the server." },
            { group: ["better-sqlite3", "drizzle-orm", "drizzle-orm/*", "node:*"], message: "Server-only module in UI code." },
          ],
        },
      ],
    },
  },
  {
    // Tests poke at JSON replies of every shape; `any` there costs nothing.
    files: ["**/*.test.ts", "test/**", "e2e/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // A Playwright fixture hands on its value through a callback named `use`, which is not React's.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  globalIgnores([".next*/**", "node_modules/**", "drizzle/**", "test-results/**", "playwright-report/**", "bench/results/**", "data/**", "next-env.d.ts", "public/**"]),
]);
