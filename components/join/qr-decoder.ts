/**
 * Reads QR codes from a playing <video>. The browser's own BarcodeDetector is
 * used where it supports QR codes (Android Chrome, for one) and sees the whole
 * frame; elsewhere jsQR is imported on demand (jsqr-decoder.ts), so the
 * decoder never weighs on /join's first load, and sweeps the frame a region
 * per tick (scan-plan.ts).
 */

import type { FrameDecoder } from "./frame-decoder";

export type { DecoderKind, FrameDecoder } from "./frame-decoder";

// The Shape Detection API is not in TypeScript's DOM library yet.
type DetectedBarcode = { rawValue: string };
type BarcodeDetectorInstance = { detect(source: CanvasImageSource): Promise<DetectedBarcode[]> };
type BarcodeDetectorClass = {
  new (options: { formats: string[] }): BarcodeDetectorInstance;
  getSupportedFormats(): Promise<string[]>;
};

async function nativeDecoder(): Promise<FrameDecoder | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    const formats = await Detector.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
    const detector = new Detector({ formats: ["qr_code"] });
    return {
      kind: "native",
      async decode(video) {
        const found = await detector.detect(video);
        return found.map((b) => b.rawValue).filter(Boolean);
      },
    };
  } catch {
    return null;
  }
}

async function jsqrDecoder(): Promise<FrameDecoder> {
  const { createJsqrDecoder } = await import("./jsqr-decoder");
  return createJsqrDecoder();
}

/**
 * How long to wait before the next tick, given how long the last decode held
 * the main thread: never sooner than `intervalMs`, and never before twice the
 * decode's own time has passed, so on a phone slow enough to need longer the
 * page still keeps two thirds of the main thread for itself.
 */
export function nextScanDelay(decodeMs: number, intervalMs: number): number {
  return Math.max(intervalMs, Math.ceil(2 * Math.max(0, decodeMs)));
}

export async function createDecoder(): Promise<FrameDecoder> {
  return (await nativeDecoder()) ?? (await jsqrDecoder());
}
