import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * The production server as Playwright's webServer: a fresh build (unless
 * E2E_SKIP_BUILD=1), a fresh database with the demo data, and a few test-only
 * paths (e2e/support/server-paths.ts): the server clock, new accounts and their tokens.
 *
 * With E2E_SSO=1 it is the single sign-on server (SPEC §13): a real OpenID
 * provider (test/oidc-provider.ts) is started first on 127.0.0.1:E2E_IDP_PORT
 * (another site than the app's localhost, so every cookie crosses a real
 * cross-site round trip), and the app is configured for it before it reads
 * its settings.
 */
process.env.NEXT_TELEMETRY_DISABLED = "1";
const port = Number(process.env.E2E_PORT ?? 3210);
process.env.PORT = String(port);
process.env.APP_URL ??= `http://localhost:${port}`;
process.env.DATABASE_PATH = path.join(mkdtempSync(path.join(tmpdir(), "rollcall-e2e-")), "e2e.db");

const E2E_OIDC_CLIENT = { clientId: "rollcall-e2e", clientSecret: "e2e-client-secret" };

async function startProvider() {
  const { startTestIdp } = await import("../test/oidc-provider");
  const idp = await startTestIdp({
    port: Number(process.env.E2E_IDP_PORT ?? port + 1),
    clients: [{ ...E2E_OIDC_CLIENT, redirectUris: [`${process.env.APP_URL}/api/auth/callback/oidc`] }],
  });
  process.env.AUTH_OIDC_ISSUER = idp.issuer;
  process.env.AUTH_OIDC_ID = E2E_OIDC_CLIENT.clientId;
  process.env.AUTH_OIDC_SECRET = E2E_OIDC_CLIENT.clientSecret;
  process.env.AUTH_OIDC_NAME = "Example University";
  process.env.SSO_EMAIL_DOMAINS ??= "uni.example";
  return idp;
}

async function main() {
  const idp = process.env.E2E_SSO === "1" ? await startProvider() : null;
  if (process.env.E2E_SKIP_BUILD !== "1") {
    const r = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { stdio: "inherit", env: process.env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const { getDb } = await import("@/lib/db/client");
  const { seedDemo } = await import("@/lib/seed/demo");
  const { e2ePaths } = await import("./support/server-paths");
  const { startServer } = await import("@/server/index");
  await seedDemo(getDb());
  const server = await startServer({ port, quiet: true, intercept: e2ePaths });
  console.log(`e2e server ready on ${server.url}`);
  const stop = () =>
    server
      .close()
      .then(() => idp?.close())
      .then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

void main();
