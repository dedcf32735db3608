import { writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { chromium, type Browser, type BrowserContext } from "@playwright/test";
import QRCode from "qrcode";
import { chromiumArgs } from "../playwright.config";
import { baseURL, expect, PHONE, test } from "./support/fixtures";
import { cspConsole } from "./support/csp";
import { docShot, liveCode, pngToRgba, resultTitle, rosterRow, startSession } from "./support/join";
import { homography, photographScreen, project, rgbaToPng, type Quad } from "./support/camera-scene";
import { lumaAt, toY4m, type Rgba } from "./support/y4m";

// The in-page camera scanner, with a real (fake-device) camera: Chromium plays
// a Y4M file as the camera, the page decodes it, the server checks the student
// in. Nothing in the page is stubbed.

const executablePath = "/usr/bin/chromium";
const FAKE_CAMERA = ["--use-fake-device-for-media-stream"];

async function phoneBrowser(args: string[]): Promise<Browser> {
  return chromium.launch({ executablePath, args: [...chromiumArgs, ...args] });
}

async function phoneContext(browser: Browser, cameraAllowed: boolean): Promise<BrowserContext> {
  return browser.newContext({ ...PHONE, baseURL: baseURL(), permissions: cameraAllowed ? ["camera"] : [] });
}

/** A QR code drawn module by module from the `qrcode` library's matrix: no image decoding involved. */
function qrPicture(text: string, moduleSize = 8): Rgba {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const n = qr.modules.size;
  const quiet = 4;
  const side = (n + 2 * quiet) * moduleSize;
  const data = new Uint8Array(side * side * 4).fill(255);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / moduleSize) - quiet;
      const my = Math.floor(y / moduleSize) - quiet;
      if (mx >= 0 && my >= 0 && mx < n && my < n && qr.modules.get(my, mx)) data.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
    }
  return { width: side, height: side, data };
}

/**
 * The front of a lecture hall seen from a seat: a wall, a projected slide with
 * a title and a QR-looking block that is not a readable code (finder squares,
 * random modules), as when the student has not aimed yet.
 */
function lectureHall(): Rgba {
  const w = 640;
  const h = 480;
  const data = new Uint8Array(w * h * 4);
  const put = (x: number, y: number, v: number) => {
    const i = (y * w + x) * 4;
    data[i] = v;
    data[i + 1] = v;
    data[i + 2] = Math.min(255, v + 6);
    data[i + 3] = 255;
  };
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const n = 25;
  const mod = 6;
  const qx = 300;
  const qy = 150;
  const finder = (mx: number, my: number) => {
    for (const [fx, fy] of [[0, 0], [n - 7, 0], [0, n - 7]]) {
      const dx = mx - fx;
      const dy = my - fy;
      if (dx >= 0 && dy >= 0 && dx < 7 && dy < 7) return dx === 0 || dy === 0 || dx === 6 || dy === 6 || (dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4);
    }
    return null;
  };
  const modules = Array.from({ length: n * n }, (_, i) => finder(i % n, Math.floor(i / n)) ?? random() < 0.45);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let v = 92 + Math.round((y / h) * 50); // wall
      if (x > 90 && x < 550 && y > 70 && y < 360) {
        v = 246; // the projected slide
        if (y > 100 && y < 116 && x > 120 && x < 420) v = 70; // its title
        if ((y > 150 && y < 158 && x > 120 && x < 270) || (y > 175 && y < 183 && x > 120 && x < 250) || (y > 200 && y < 208 && x > 120 && x < 262)) v = 150;
        const mx = Math.floor((x - qx) / mod);
        const my = Math.floor((y - qy) / mod);
        if (mx >= 0 && my >= 0 && mx < n && my < n && modules[my * n + mx]) v = 30;
      }
      if (y > 420) v = 60; // desks
      put(x, y, v);
    }
  return { width: w, height: h, data };
}

test("the classroom moment: projector QR → phone camera → checked in → teacher's console shows the student present", async ({ laptop, teacher, demoStudent, signIn }, testInfo) => {
  test.setTimeout(120_000);
  // A teacher setting that keeps one QR on screen for a minute: the test is slower than a student.
  const sessionId = await startSession(teacher, { rotationSeconds: 60, title: "Camera lecture" });

  // The teacher's laptop: the projector page with the live QR code.
  await signIn(laptop, teacher.user);
  const projector = await laptop.newPage();
  // Projector, console and scanner all run under the Content-Security-Policy: none of them may trip it.
  const csp = cspConsole(projector);
  await projector.goto(`/sessions/${sessionId}/present`);
  const qr = projector.locator("[data-qr-value]");
  await expect(qr).toHaveAttribute("data-qr-value", /\/join\?t=/);
  const shown = (await qr.getAttribute("data-qr-value"))!;
  const { url } = await liveCode(teacher, sessionId);
  expect(shown).toBe(url);

  // Capture what the projector shows and turn it into a camera feed.
  const png = await qr.screenshot();
  const picture = await pngToRgba(projector, png);
  const video = toY4m(picture, { width: 640, height: 480, frames: 10, fill: 0.8 });
  expect(lumaAt(video, 2, 2)).toBe(255); // white around the code, as on a projector
  const file = testInfo.outputPath("projector-qr.y4m");
  writeFileSync(file, video);

  // The student's phone, its camera pointed at the projector.
  const phone = await phoneBrowser([...FAKE_CAMERA, "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${file}`]);
  try {
    const context = await phoneContext(phone, true);
    const page = await context.newPage();
    cspConsole(page, csp);
    await page.goto(`/login?callbackUrl=${encodeURIComponent("/join")}`, { waitUntil: "networkidle" });
    // This student signs in on the phone itself, through the real form, on the way to /join.
    const student = await demoStudent(20);
    await page.getByLabel("E-mail").fill(student.email);
    await page.getByLabel("Password").fill(student.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/join$/);

    const native = await page.evaluate(async () => {
      const D = (globalThis as { BarcodeDetector?: { getSupportedFormats(): Promise<string[]> } }).BarcodeDetector;
      return D ? (await D.getSupportedFormats()).includes("qr_code") : false;
    });
    testInfo.annotations.push({ type: "decoder", description: native ? "native BarcodeDetector" : "jsQR (lazy chunk)" });

    // The teacher's console is open before the scan: the row must flip live.
    const consolePage = await laptop.newPage();
    cspConsole(consolePage, csp);
    await consolePage.goto(`/sessions/${sessionId}`);
    await expect(consolePage.locator("[data-connection=connected]")).toBeVisible();
    const row = consolePage.locator("li[data-student-id]", { hasText: "Tara Singh" });
    await expect(row).toHaveAttribute("data-status", "unmarked");

    await page.getByRole("button", { name: "Scan QR code" }).tap();
    await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, \d{1,2}:\d{2} [AP]M$/, { timeout: 30_000 });
    // The camera is off once the code is read.
    expect(await page.evaluate(() => document.querySelector("video")?.srcObject ?? null)).toBeNull();

    // The console, open since before the scan, shows the student present without a reload.
    await expect(row).toHaveAttribute("data-status", "present");
    expect(await rosterRow(teacher, sessionId, "Tara Singh")).toMatchObject({ status: "present", method: "qr" });
    expect(csp).toEqual([]);
    await context.close();
  } finally {
    await phone.close();
  }
});

/**
 * Makes the page behave as in a browser without a native QR detector (iPhone
 * Safari, desktop Chromium on Linux): BarcodeDetector is removed before any
 * page script runs, and every value the scanner's data-decoder attribute
 * takes is recorded, so the test can tell which decoder read the code even
 * after the scanner has gone.
 */
function withoutNativeDetector(): void {
  delete (window as { BarcodeDetector?: unknown }).BarcodeDetector;
  const seen: string[] = ((window as unknown as { __decoders: string[] }).__decoders = []);
  new MutationObserver((records) => {
    for (const r of records) {
      const nodes = r.type === "attributes" ? [r.target] : [...r.addedNodes];
      for (const n of nodes) if (n instanceof Element && n.getAttribute("data-decoder")) seen.push(n.getAttribute("data-decoder")!);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-decoder"] });
}

test("a phone held up at the whole projector screen, off-centre and at an angle, reads the QR (no native detector)", async ({ browser, laptop, teacher, demoStudent, signIn }, testInfo) => {
  test.setTimeout(120_000);
  const sessionId = await startSession(teacher, { rotationSeconds: 60, title: "Back-row lecture" });

  // The projector: the real page, full screen on a 1920×1080 projector.
  const projectorContext = await browser.newContext({ viewport: { width: 1920, height: 1080 }, baseURL: baseURL() });
  let phone: Browser | undefined;
  try {
    await signIn(projectorContext, teacher.user);
    const projector = await projectorContext.newPage();
    await projector.goto(`/sessions/${sessionId}/present`);
    const qr = projector.locator("[data-qr-value]");
    await expect(qr).toHaveAttribute("data-qr-value", /\/join\?t=/);
    expect(await qr.getAttribute("data-qr-value")).toBe((await liveCode(teacher, sessionId)).url);
    await projector.evaluate(() => document.fonts.ready);
    const screen = await pngToRgba(projector, await projector.screenshot({ animations: "disabled" }));
    expect([screen.width, screen.height]).toEqual([1920, 1080]);

    // The camera's view from a seat to the right: the screen in the left half of a
    // 1280×720 frame, its far (left) edge shorter, the phone a little tilted, the room dim.
    const W = 1280;
    const H = 720;
    const corners: Quad = [
      { x: 18, y: 182 },
      { x: 540, y: 128 },
      { x: 548, y: 462 },
      { x: 26, y: 440 },
    ];
    const frame = photographScreen(screen, { width: W, height: H, screen: corners });
    // Where the QR lands: wholly left of the centre square (x 280…1000) that the scanner
    // used to decode alone, so only a look at the rest of the frame can read it.
    const box = (await qr.boundingBox())!;
    const toFrame = homography(
      [
        { x: 0, y: 0 },
        { x: 1920, y: 0 },
        { x: 1920, y: 1080 },
        { x: 0, y: 1080 },
      ],
      corners,
    );
    const qrInFrame = [
      { x: box.x, y: box.y },
      { x: box.x + box.width, y: box.y },
      { x: box.x + box.width, y: box.y + box.height },
      { x: box.x, y: box.y + box.height },
    ].map((p) => project(toFrame, p));
    for (const p of qrInFrame) {
      expect(p.x).toBeGreaterThan(0);
      expect(p.x).toBeLessThan((W - H) / 2);
    }
    const qrWidth = Math.max(...qrInFrame.map((p) => p.x)) - Math.min(...qrInFrame.map((p) => p.x));
    testInfo.annotations.push({ type: "QR in the camera frame", description: `${Math.round(qrWidth)} px wide of ${W}, at x ${qrInFrame.map((p) => Math.round(p.x)).join("/")}` });
    const framePng = await rgbaToPng(projector, frame);
    writeFileSync(testInfo.outputPath("camera-frame.png"), framePng);
    await testInfo.attach("camera frame", { body: framePng, contentType: "image/png" });
    const video = testInfo.outputPath("hall.y4m");
    writeFileSync(video, toY4m(frame, { width: W, height: H, frames: 2, fill: 1 }));

    // The teacher's console, open before the scan.
    await signIn(laptop, teacher.user);
    const consolePage = await laptop.newPage();
    await consolePage.goto(`/sessions/${sessionId}`);
    await expect(consolePage.locator("[data-connection=connected]")).toBeVisible();
    const row = consolePage.locator("li[data-student-id]", { hasText: "Wen Li" });
    await expect(row).toHaveAttribute("data-status", "unmarked");

    // The student's phone, its camera seeing that frame, with no native QR detector.
    phone = await phoneBrowser([...FAKE_CAMERA, "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${video}`]);
    const context = await phoneContext(phone, true);
    await context.addInitScript(withoutNativeDetector);
    await signIn(context, await demoStudent(23));
    const page = await context.newPage();
    await page.goto("/join");
    expect(await page.evaluate(() => "BarcodeDetector" in window)).toBe(false);
    await page.getByRole("button", { name: "Scan QR code" }).tap();
    await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, \d{1,2}:\d{2} [AP]M$/, { timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { __decoders: string[] }).__decoders)).toEqual(["jsqr"]);
    expect(await page.evaluate(() => document.querySelector("video")?.srcObject ?? null)).toBeNull();

    await expect(row).toHaveAttribute("data-status", "present");
    expect(await rosterRow(teacher, sessionId, "Wen Li")).toMatchObject({ status: "present", method: "qr" });
  } finally {
    await phone?.close();
    await projectorContext.close();
  }
});

test("the scanner keeps looking past a QR code that isn't Rollcall's", async ({ demoStudent, signIn }, testInfo) => {
  const file = testInfo.outputPath("menu-qr.y4m");
  writeFileSync(file, toY4m(qrPicture("https://cafeteria.example/menu"), { frames: 4 }));
  const phone = await phoneBrowser([...FAKE_CAMERA, "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${file}`]);
  try {
    const context = await phoneContext(phone, true);
    await signIn(context, await demoStudent(21));
    const page = await context.newPage();
    await page.goto("/join");
    await page.getByRole("button", { name: "Scan QR code" }).tap();
    await expect(page.getByText("That QR code isn't a Rollcall code. Aim at the one on the screen.")).toBeVisible({ timeout: 20_000 });
    await expect(page.locator("[data-scanner-state=scanning]")).toBeVisible();
    await page.getByRole("button", { name: "Stop" }).tap();
    await expect(page.getByRole("button", { name: "Scan QR code" })).toBeVisible();
    expect(await page.evaluate(() => document.querySelector("video")?.srcObject ?? null)).toBeNull();
  } finally {
    await phone.close();
  }
});

test("the viewfinder while looking for the code (screenshot)", async ({}, testInfo) => {
  const file = testInfo.outputPath("wall.y4m");
  writeFileSync(file, toY4m(lectureHall(), { frames: 2, fill: 1 }));
  const phone = await phoneBrowser([...FAKE_CAMERA, "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${file}`]);
  try {
    const context = await phoneContext(phone, true);
    const page = await context.newPage();
    await page.goto("/join");
    await page.getByRole("button", { name: "Scan QR code" }).tap();
    await expect(page.getByText("Looking for the QR code…")).toBeVisible({ timeout: 20_000 });
    await expect(page.locator("[data-scanner-state=scanning]")).toHaveAttribute("data-decoder", /native|jsqr/);
    await docShot(page, "join-scanner.png");
  } finally {
    await phone.close();
  }
});

test("camera permission denied: the page explains how to allow it and falls back to the code", async ({ teacher, demoStudent, signIn }) => {
  const sessionId = await startSession(teacher, { codeRotationSeconds: 0 });
  const { code } = await liveCode(teacher, sessionId);
  // No fake-UI flag and no permission: the browser refuses the camera.
  const phone = await phoneBrowser(FAKE_CAMERA);
  try {
    const context = await phoneContext(phone, false);
    await signIn(context, await demoStudent(22));
    const page = await context.newPage();
    await page.goto("/join");
    await page.getByRole("button", { name: "Scan QR code" }).tap();
    await expect(page.getByText("Camera access is blocked")).toBeVisible({ timeout: 20_000 });
    await expect(page.getByText(/Permissions → Camera → Allow/)).toBeVisible();
    await page.getByRole("button", { name: "Type the code" }).tap();
    const input = page.getByLabel("Type the 6-digit code");
    await expect(input).toBeFocused();
    await input.pressSequentially(code, { delay: 30 });
    await expect(resultTitle(page)).toHaveText(/^You're checked in — CS101, /);
    expect(await rosterRow(teacher, sessionId, "Vera Novak")).toMatchObject({ status: "present", method: "code" });
  } finally {
    await phone.close();
  }
});

test("over plain http on a LAN address the page says, in one calm line, to use the camera app or the code", async ({ browser }) => {
  // Browsers treat localhost as secure, so reach the same server by this machine's LAN address.
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
  test.skip(!lan, "this machine has no LAN address");
  const context = await browser.newContext({ ...PHONE });
  try {
    const page = await context.newPage();
    await page.goto(`http://${lan}:${new URL(baseURL()).port}/join`);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    await expect(page.getByTestId("camera-note")).toHaveText("Scan the QR code with your phone's camera app, or type the 6-digit code below.");
    // Nothing about servers or teachers on a student's screen, and no second "Type the code" button above the field.
    await expect(page.getByText(/https|teacher/i)).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Scan QR code" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Type the code" })).toHaveCount(0);
    await expect(page.getByText("or", { exact: true })).toHaveCount(0);
    const note = (await page.getByTestId("camera-note").boundingBox())!;
    const field = (await page.getByLabel("Type the 6-digit code").boundingBox())!;
    // The code field is in view on a phone, right below the note.
    expect(field.y + field.height).toBeLessThan(844);
    expect(field.y - (note.y + note.height)).toBeLessThan(80);
    await page.screenshot({ path: test.info().outputPath("join-plain-http-390.png") });
  } finally {
    await context.close();
  }
});
