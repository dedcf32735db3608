import { expect, type Locator, type Page } from "@playwright/test";
import type jsQR from "jsqr";

/** Reads a QR code on screen the way a phone would: from its pixels (jsQR runs in `reader`, any page). */
export async function scanQr(qr: Locator, reader: Page): Promise<string> {
  const png = await qr.screenshot();
  await reader.addScriptTag({ path: require.resolve("jsqr/dist/jsQR.js") });
  const decoded = await reader.evaluate(async (b64) => {
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
  expect(decoded, "the QR code decodes").not.toBeNull();
  return decoded!;
}
