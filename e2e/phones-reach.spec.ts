import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "@playwright/test";
import { DEMO_PASSWORD, DEMO_TEACHER_EMAIL } from "./support/accounts";
import { expectAccessible } from "./support/a11y";
import { expect, LAPTOP, test } from "./support/fixtures";
import { scanQr } from "./support/qr";
import { SCREENSHOT_DIR } from "./support/screenshots";

/**
 * The first class (issue: phones reach it the first time). `npm start` without APP_URL, on a laptop whose
 * network cards the test decides (e2e/support/fake-network.ts): the real start script, the real build, a
 * fresh database. Its own port, beside the shared e2e server.
 */
const PORT = Number(process.env.E2E_PORT ?? 3210) + 11;
const ORIGIN = `http://localhost:${PORT}`;

const nic = (address: string, internal = false) => ({ address, family: "IPv4", internal, netmask: "255.255.255.0", mac: "02:00:00:00:00:01", cidr: `${address}/24` });
const LOOPBACK = { lo: [nic("127.0.0.1", true)] };
const WIFI_AND_DOCKER = { ...LOOPBACK, docker0: [nic("172.17.0.1")], wlan0: [nic("192.168.1.23")] };

type Started = { process: ChildProcess; output: () => string };

async function startRollcall(network: object): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(PORT), DATABASE_PATH: path.join(mkdtempSync(path.join(tmpdir(), "rollcall-reach-")), "rollcall.db"), E2E_FAKE_NETWORK: JSON.stringify(network) };
  delete env.APP_URL;
  delete env.HTTPS;
  const child = spawn(process.execPath, [require.resolve("tsx/cli"), "e2e/support/fake-network.ts", "server/start.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  await expect.poll(() => output, { timeout: 90_000, message: "the start says it is running" }).toMatch(/Rollcall is running at/);
  // The lines after it are printed in the same tick; wait until the server answers too.
  await expect.poll(async () => (await fetch(`${ORIGIN}/api/health`).catch(() => null))?.status ?? 0, { timeout: 30_000 }).toBe(200);
  return { process: child, output: () => output };
}

async function stop(started: Started | null): Promise<void> {
  if (!started || started.process.exitCode !== null) return;
  const exited = new Promise((resolve) => started.process.once("exit", resolve));
  started.process.kill("SIGTERM");
  await exited;
}

/** The demo teacher signs in on this server's own form (its AUTH_SECRET is its own) and starts a session. */
async function teacherWithSession(laptop: BrowserContext): Promise<{ page: Page; sessionId: string }> {
  const page = await laptop.newPage();
  await page.goto(`${ORIGIN}/login`);
  await page.getByLabel("E-mail").fill(DEMO_TEACHER_EMAIL);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  const { courses } = await (await page.request.get(`${ORIGIN}/api/courses`)).json();
  const res = await page.request.post(`${ORIGIN}/api/courses/${courses[0].id}/sessions`, { data: { title: "First class" } });
  expect(res.status()).toBe(201);
  return { page, sessionId: (await res.json()).session.id };
}

test.describe("phones reach the first class without any setting", () => {
  test.setTimeout(180_000);
  let server: Started | null = null;
  test.afterEach(async () => {
    await stop(server);
    server = null;
  });

  test("without APP_URL the QR code and the join address carry the laptop's Wi-Fi address, and the start says how to change it", async ({ browser }) => {
    server = await startRollcall(WIFI_AND_DOCKER);
    const lan = `192.168.1.23:${PORT}`;
    expect(server.output()).toContain(`phones use http://${lan} (this computer on wlan0; QR codes point there)`);
    expect(server.output()).toContain(`also on docker0: http://172.17.0.1:${PORT}`);
    expect(server.output()).toContain("to give phones another address, start with APP_URL set");

    const laptop = await browser.newContext({ ...LAPTOP });
    try {
      const { page, sessionId } = await teacherWithSession(laptop);
      await page.goto(`${ORIGIN}/sessions/${sessionId}`);
      const url = await scanQr(page.getByRole("img", { name: "QR code for students to check in" }), page);
      expect(url).toMatch(new RegExp(`^http://${lan.replace(/\./g, "\\.")}/join\\?t=`));
      await expect(page.getByText(`${lan}/join`, { exact: true })).toBeVisible();
      await expect(page.getByTestId("loopback-banner")).toHaveCount(0);
      // Plain HTTP on a LAN address: the teacher (not the students) hears how to turn the in-page scanner on.
      await expect(page.getByTestId("https-advice")).toContainText("npm start -- --https");
      await expectAccessible(page, "console on a LAN address");
      await page.getByTestId("https-advice").screenshot({ path: test.info().outputPath("https-advice.png") });

      const projector = await laptop.newPage();
      await projector.goto(`${ORIGIN}/sessions/${sessionId}/present`);
      await expect(projector.getByText(`${lan}/join`, { exact: true })).toBeVisible();
      expect(await scanQr(projector.getByRole("img", { name: "QR code to check in" }), projector)).toMatch(new RegExp(`^http://${lan.replace(/\./g, "\\.")}/join\\?t=`));
      await expect(projector.getByTestId("loopback-banner")).toHaveCount(0);
    } finally {
      await laptop.close();
    }
  });

  test("on no network the start, the console and the projector all say phones cannot reach it", async ({ browser }) => {
    server = await startRollcall(LOOPBACK);
    expect(server.output()).toMatch(/no network address: phones cannot reach this computer/);

    const laptop = await browser.newContext({ ...LAPTOP });
    try {
      const { page, sessionId } = await teacherWithSession(laptop);
      await page.goto(`${ORIGIN}/sessions/${sessionId}`);
      const banner = page.getByTestId("loopback-banner");
      await expect(banner).toContainText("Phones can't reach this computer yet");
      await expect(banner).toContainText(`localhost:${PORT}`);
      await expect(page.getByTestId("https-advice")).toHaveCount(0);
      await expectAccessible(page, "console with the loopback banner");
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, "console-no-network.png") });

      const projector = await laptop.newPage();
      await projector.goto(`${ORIGIN}/sessions/${sessionId}/present`);
      await expect(projector.getByTestId("loopback-banner")).toContainText(`Phones can't reach localhost:${PORT}`);
      await expectAccessible(projector, "projector with the loopback banner");
      await projector.screenshot({ path: path.join(SCREENSHOT_DIR, "projector-no-network.png") });
    } finally {
      await laptop.close();
    }
  });
});
