/**
 * Which part of a camera frame jsQR looks at on each tick.
 *
 * jsQR is synchronous and its cost grows with the pixels it is given, so no
 * tick decodes more than MAX_DECODE_PIXELS (the 640×640 centre crop the
 * scanner has always decoded): a slow phone does the same work per tick as
 * before. Covering the whole frame comes from varying the region between
 * ticks instead: the centre (where the student aims) every other tick, and
 * in between a downscaled pass over the whole frame and squares at the ends
 * of the long side, at the centre crop's own resolution, so a distant QR
 * near the edge of the picture (a phone held up at the whole projector
 * screen) is read too.
 */

/** Pixels one tick may hand to jsQR: 640×640, the centre crop this scanner shipped with. */
export const MAX_DECODE_PIXELS = 640 * 640;

/** Side squares are swept only when they see the frame this much sharper than the whole-frame pass does. */
const SHARPER_BY = 1.25;

export type RegionKind = "centre" | "full" | "side";

/** A source rectangle of the video frame (`sx`…`sh`) and the size it is drawn at for jsQR (`dw`×`dh`). */
export type Region = {
  kind: RegionKind;
  sx: number;
  sy: number;
  sw: number;
  sh: number;
  dw: number;
  dh: number;
};

/**
 * The regions to cycle through, in order, for a `vw`×`vh` frame. A frame that
 * fits the budget whole is decoded whole at full resolution on every tick;
 * a square frame is its own centre crop.
 */
export function scanPlan(vw: number, vh: number, maxPixels = MAX_DECODE_PIXELS): Region[] {
  if (!(vw > 0 && vh > 0)) return [];
  if (vw * vh <= maxPixels) return [{ kind: "full", sx: 0, sy: 0, sw: vw, sh: vh, dw: vw, dh: vh }];

  const fullScale = Math.sqrt(maxPixels / (vw * vh));
  const full: Region = { kind: "full", sx: 0, sy: 0, sw: vw, sh: vh, dw: Math.max(1, Math.floor(vw * fullScale)), dh: Math.max(1, Math.floor(vh * fullScale)) };
  if (vw === vh) return [full];

  const side = Math.min(vw, vh);
  const long = Math.max(vw, vh);
  const out = Math.max(1, Math.min(side, Math.floor(Math.sqrt(maxPixels))));
  const square = (kind: RegionKind, offset: number): Region => {
    const along = Math.round(offset);
    return vw >= vh
      ? { kind, sx: along, sy: 0, sw: side, sh: side, dw: out, dh: out }
      : { kind, sx: 0, sy: along, sw: side, sh: side, dw: out, dh: out };
  };
  const centre = square("centre", (long - side) / 2);
  // In a frame not much longer than wide (4:3) the whole-frame pass is nearly
  // as sharp as a square would be: it alone covers the rest.
  // Judged on the whole-frame pass as drawn (its width is rounded down), the
  // same measure the tests hold it to.
  if (out / side < SHARPER_BY * (full.dw / vw)) return [centre, full];

  // Squares from one end of the long side to the other, each overlapping the
  // next by at least half a side: any QR up to half the frame's short side
  // lies wholly inside one of them (or inside the centre crop).
  const steps = Math.max(1, Math.ceil((long - side) / (side / 2)));
  const sides: Region[] = [];
  for (let i = 0; i <= steps; i++) {
    const offset = ((long - side) * i) / steps;
    if (Math.abs(offset - (long - side) / 2) < 1) continue; // that one is the centre crop
    sides.push(square("side", offset));
  }

  // The centre on every other tick keeps aiming as quick as it always was;
  // the other ticks sweep the rest of the frame.
  return [full, ...sides].flatMap((wide) => [centre, wide]);
}

/** The region to decode on tick `tick` (counting from 0) of a plan. */
export function regionForTick(plan: readonly Region[], tick: number): Region | undefined {
  if (plan.length === 0) return undefined;
  return plan[((tick % plan.length) + plan.length) % plan.length];
}
