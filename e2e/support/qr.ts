import { expect, type Locator, type Page } from "@playwright/test";
import type jsQR from "jsqr";

/**
 * Reads a QR code on screen the way a phone would: from its pixels. jsQR runs in a blank page of `reader`'s browser
 * context: the app's own pages refuse injected scripts (Content-Security-Policy).
 */
export async function scanQr(qr: Locator, reader: Page): Promise<string> {
  const png = await qr.screenshot();
  const blank = await reader.context().newPage();
  await blank.addScriptTag({ path: require.resolve("jsqr/dist/jsQR.js") });
  const decoded = await blank.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const scan = (window as unknown as { jsQR: typeof jsQR }).jsQR;
    return scan(data, width, height)?.data ?? null;
  }, png.toString("base64"));
  await blank.close();
  expect(decoded, "the QR code decodes").not.toBeNull();
  return decoded!;
}
