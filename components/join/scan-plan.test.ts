import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextScanDelay } from "./qr-decoder";
import { MAX_DECODE_PIXELS, regionForTick, scanPlan, type Region } from "./scan-plan";

const kinds = (plan: Region[]) => plan.map((r) => r.kind);
const ticks = (plan: Region[], n: number) => Array.from({ length: n }, (_, t) => regionForTick(plan, t)!);

describe("which part of the camera frame jsQR reads on each tick", () => {
  it("a frame within the budget is read whole, at full resolution, on every tick", () => {
    const plan = scanPlan(640, 480);
    expect(plan).toEqual([{ kind: "full", sx: 0, sy: 0, sw: 640, sh: 480, dw: 640, dh: 480 }]);
    expect(ticks(plan, 3).map((r) => r.kind)).toEqual(["full", "full", "full"]);
  });

  it("a 16:9 camera alternates the centre square with the whole frame and the squares at either end", () => {
    const plan = scanPlan(1280, 720);
    expect(kinds(plan)).toEqual(["centre", "full", "centre", "side", "centre", "side"]);
    const [centre, full, , left, , right] = plan;
    // The centre crop is the one the scanner always had: the middle square, at 640 px.
    expect(centre).toEqual({ kind: "centre", sx: 280, sy: 0, sw: 720, sh: 720, dw: 640, dh: 640 });
    // The whole frame, downscaled to the same pixel budget.
    expect(full).toEqual({ kind: "full", sx: 0, sy: 0, sw: 1280, sh: 720, dw: 853, dh: 480 });
    // The two ends, as sharp as the centre crop.
    expect(left).toEqual({ kind: "side", sx: 0, sy: 0, sw: 720, sh: 720, dw: 640, dh: 640 });
    expect(right).toEqual({ kind: "side", sx: 560, sy: 0, sw: 720, sh: 720, dw: 640, dh: 640 });
  });

  it("the centre is read on every other tick, and every region within six ticks", () => {
    const plan = scanPlan(1280, 720);
    const seen = ticks(plan, 12);
    expect(seen.filter((_, t) => t % 2 === 0).every((r) => r.kind === "centre")).toBe(true);
    expect(seen.slice(0, 6)).toEqual(plan);
    expect(seen.slice(6, 12)).toEqual(plan);
  });

  it("a phone held upright (portrait frame) sweeps top and bottom instead", () => {
    const plan = scanPlan(720, 1280);
    expect(kinds(plan)).toEqual(["centre", "full", "centre", "side", "centre", "side"]);
    expect(plan[0]).toMatchObject({ sx: 0, sy: 280, sw: 720, sh: 720 });
    expect(plan[1]).toMatchObject({ sw: 720, sh: 1280, dw: 480, dh: 853 });
    expect(plan[3]).toMatchObject({ sx: 0, sy: 0 });
    expect(plan[5]).toMatchObject({ sx: 0, sy: 560 });
  });

  it("a full-HD camera: the whole frame at 853×480, squares of 1080 read at 640", () => {
    const plan = scanPlan(1920, 1080);
    expect(kinds(plan)).toEqual(["centre", "full", "centre", "side", "centre", "side"]);
    expect(plan.map((r) => [r.sx, r.dw, r.dh])).toEqual([
      [420, 640, 640],
      [0, 853, 480],
      [420, 640, 640],
      [0, 640, 640],
      [420, 640, 640],
      [840, 640, 640],
    ]);
  });

  it("a 4:3 frame: the whole-frame pass is nearly as sharp as the end squares would be, so it alone sweeps", () => {
    expect(kinds(scanPlan(1280, 960))).toEqual(["centre", "full"]);
    expect(scanPlan(1280, 960)[1]).toMatchObject({ dw: 739, dh: 554 });
  });

  it("a square frame is its own centre crop", () => {
    expect(scanPlan(720, 720)).toEqual([{ kind: "full", sx: 0, sy: 0, sw: 720, sh: 720, dw: 640, dh: 640 }]);
  });

  it("no frame yet: nothing to read", () => {
    expect(scanPlan(0, 0)).toEqual([]);
    expect(regionForTick([], 3)).toBeUndefined();
  });

  it("for any frame size: regions inside the frame, within the budget, the whole frame among them, the centre every other tick", () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 4096 }), fc.integer({ min: 16, max: 4096 }), (vw, vh) => {
        const plan = scanPlan(vw, vh);
        expect(plan.length).toBeGreaterThan(0);
        for (const r of plan) {
          expect(r.sx).toBeGreaterThanOrEqual(0);
          expect(r.sy).toBeGreaterThanOrEqual(0);
          expect(r.sx + r.sw).toBeLessThanOrEqual(vw);
          expect(r.sy + r.sh).toBeLessThanOrEqual(vh);
          expect(r.dw * r.dh).toBeLessThanOrEqual(MAX_DECODE_PIXELS);
          // Never drawn larger than the camera delivers it.
          expect(r.dw).toBeLessThanOrEqual(r.sw);
          expect(r.dh).toBeLessThanOrEqual(r.sh);
        }
        expect(plan.some((r) => r.kind === "full" && r.sw === vw && r.sh === vh)).toBe(true);
        if (plan.length > 1) plan.forEach((r, t) => expect(r.kind === "centre").toBe(t % 2 === 0));
      }),
    );
  });

  it("for any frame, landscape or portrait: a QR up to half the short side, anywhere, is read as sharp as in the centre crop, or nearly so in the whole-frame pass", () => {
    fc.assert(
      fc.property(fc.integer({ min: 240, max: 1440 }), fc.integer({ min: 100, max: 500 }), fc.boolean(), (short, percent, portrait) => {
        const long = Math.round((short * percent) / 100);
        const [vw, vh] = portrait ? [short, long] : [long, short];
        const plan = scanPlan(vw, vh);
        const squareScale = Math.min(1, 640 / short);
        const full = plan.find((r) => r.kind === "full")!;
        if (!plan.some((r) => r.kind === "side")) {
          expect((full.dw / vw) * 1.25).toBeGreaterThanOrEqual(squareScale);
          return;
        }
        const squares = plan.filter((r) => r.kind !== "full").map((r) => (portrait ? [r.sy, r.sy + r.sh] : [r.sx, r.sx + r.sw]));
        expect(plan.every((r) => r.kind === "full" || r.dw / r.sw === squareScale)).toBe(true);
        const size = Math.floor(short / 2);
        for (let from = 0; from + size <= long; from++) {
          if (!squares.some(([a, b]) => a <= from && from + size <= b)) expect.fail(`a ${size}px QR at ${from} of ${vw}x${vh} is in no square`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("pacing the scan loop", () => {
  it("waits the usual interval after a quick decode", () => {
    expect(nextScanDelay(12, 150)).toBe(150);
    expect(nextScanDelay(0, 150)).toBe(150);
  });

  it("after a slow decode, idles twice as long as it worked, so the page keeps the main thread", () => {
    expect(nextScanDelay(120, 150)).toBe(240);
    expect(nextScanDelay(400.2, 150)).toBe(801);
  });
});
