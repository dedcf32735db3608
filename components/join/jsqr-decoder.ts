import jsQR from "jsqr";
import type { FrameDecoder } from "./frame-decoder";
import { regionForTick, scanPlan, type Region } from "./scan-plan";

/**
 * The decoder for browsers without a native QR detector (iPhone Safari among
 * them). Loaded on demand by qr-decoder.ts, with jsQR, so neither weighs on
 * /join's first load. Each call decodes one region of the frame, following
 * scan-plan.ts, so the whole camera picture is covered over a few ticks.
 */
export function createJsqrDecoder(): FrameDecoder {
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("Canvas 2D is not available");
  let plan: Region[] = [];
  let planFor = "";
  let tick = 0;

  return {
    kind: "jsqr",
    async decode(video) {
      const vw = video.videoWidth;
      const vh = video.videoHeight;
      if (!vw || !vh) return [];
      // A phone turned on its side changes the frame's shape: plan again.
      if (planFor !== `${vw}x${vh}`) {
        plan = scanPlan(vw, vh);
        planFor = `${vw}x${vh}`;
        tick = 0;
        // One canvas big enough for every region: resizing it on each tick would reallocate its backing store.
        canvas.width = Math.max(1, ...plan.map((r) => r.dw));
        canvas.height = Math.max(1, ...plan.map((r) => r.dh));
      }
      const region = regionForTick(plan, tick++);
      if (!region) return [];
      const { sx, sy, sw, sh, dw, dh } = region;
      ctx.drawImage(video, sx, sy, sw, sh, 0, 0, dw, dh);
      const image = ctx.getImageData(0, 0, dw, dh);
      // A projector may show light-on-dark: try both.
      const code = jsQR(image.data, dw, dh, { inversionAttempts: "attemptBoth" });
      return code?.data ? [code.data] : [];
    },
  };
}
