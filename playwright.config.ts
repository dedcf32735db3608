import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://localhost:${port}`;
// A second server, configured for single sign-on against the test provider on the port after it (e2e/server.ts,
// E2E_SSO=1): the first keeps the settings of a deployment without single sign-on.
const ssoPort = port + 1;
// No browser downloads here: Debian's Chromium when present, else Playwright's own.
const executablePath = existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined;

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"], ["json", { outputFile: ".ci-results/playwright.json" }]] : [["list"]],
  outputDir: "test-results",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: { executablePath, args: chromiumArgs },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, launchOptions: { executablePath, args: chromiumArgs } } }],
  webServer: [
    {
      command: "npx tsx e2e/server.ts",
      url: `${baseURL}/api/health`,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: { E2E_PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" },
    },
    {
      // Started after the first is up, so it reuses that build.
      command: "npx tsx e2e/server.ts",
      url: `http://localhost:${ssoPort}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: { E2E_PORT: String(ssoPort), E2E_SSO: "1", E2E_IDP_PORT: String(ssoPort + 1), E2E_SKIP_BUILD: "1", NEXT_TELEMETRY_DISABLED: "1" },
    },
  ],
});
