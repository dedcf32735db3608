/**
 * Reads QR codes from a playing <video>. The browser's own BarcodeDetector is
 * used where it supports QR codes (Android Chrome, for one); elsewhere jsQR
 * is imported on demand, so the decoder never weighs on /join's first load.
 */

export type DecoderKind = "native" | "jsqr";

export type FrameDecoder = {
  kind: DecoderKind;
  /** Texts of the QR codes visible in the current frame (usually zero or one). */
  decode(video: HTMLVideoElement): Promise<string[]>;
};

// The Shape Detection API is not in TypeScript's DOM library yet.
type DetectedBarcode = { rawValue: string };
type BarcodeDetectorInstance = { detect(source: CanvasImageSource): Promise<DetectedBarcode[]> };
type BarcodeDetectorClass = {
  new (options: { formats: string[] }): BarcodeDetectorInstance;
  getSupportedFormats(): Promise<string[]>;
};

/** Frames are scaled to at most this many pixels a side before jsQR sees them: fast on old phones, plenty for a projected QR. */
export const MAX_DECODE_SIDE = 640;

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
  const { default: jsQR } = await import("jsqr");
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("Canvas 2D is not available");
  return {
    kind: "jsqr",
    async decode(video) {
      const vw = video.videoWidth;
      const vh = video.videoHeight;
      if (!vw || !vh) return [];
      // Only the centre square is visible in the viewfinder (object-cover), so
      // decode what the student is aiming at, at the best resolution the budget allows.
      const side = Math.min(vw, vh);
      const out = Math.min(side, MAX_DECODE_SIDE);
      if (canvas.width !== out) {
        canvas.width = out;
        canvas.height = out;
      }
      ctx.drawImage(video, (vw - side) / 2, (vh - side) / 2, side, side, 0, 0, out, out);
      const image = ctx.getImageData(0, 0, out, out);
      // A projector may show light-on-dark: try both.
      const code = jsQR(image.data, out, out, { inversionAttempts: "attemptBoth" });
      return code?.data ? [code.data] : [];
    },
  };
}

export async function createDecoder(): Promise<FrameDecoder> {
  return (await nativeDecoder()) ?? (await jsqrDecoder());
}
