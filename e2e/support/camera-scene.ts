import type { Page } from "@playwright/test";
import type { Rgba } from "./y4m";

/**
 * A phone camera's view of a projector screen from a seat in the hall: the
 * screenshot of the projector page drawn into a camera frame as a projected
 * picture is seen from off to one side (a perspective warp onto a quadrilateral),
 * with a projector's washed-out blacks and hot spot, in a dim room, with a
 * little sensor noise. No image library does perspective warps among our
 * dependencies, and this is a few dozen lines of arithmetic.
 */

export type Point = { x: number; y: number };
/** Corners in the order top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

/** A 3×3 projective transform, row-major, with the last entry 1. */
export type Homography = number[];

/** The projective transform taking each of `from`'s corners to the same corner of `to`. */
export function homography(from: Quad, to: Quad): Homography {
  // Eight equations in h0…h7 (h8 = 1): x' (h6 x + h7 y + 1) = h0 x + h1 y + h2, and the same for y'.
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const { x, y } = from[i];
    const { x: u, y: v } = to[i];
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gauss–Jordan elimination with partial pivoting.
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(rows[r][col]) > Math.abs(rows[pivot][col])) pivot = r;
    if (Math.abs(rows[pivot][col]) < 1e-12) throw new Error("degenerate quadrilateral");
    [rows[col], rows[pivot]] = [rows[pivot], rows[col]];
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const f = rows[r][col] / rows[col][col];
      for (let c = col; c < 9; c++) rows[r][c] -= f * rows[col][c];
    }
  }
  return [...rows.map((row, i) => row[8] / row[i]), 1];
}

export function project(h: Homography, p: Point): Point {
  const w = h[6] * p.x + h[7] * p.y + h[8];
  return { x: (h[0] * p.x + h[1] * p.y + h[2]) / w, y: (h[3] * p.x + h[4] * p.y + h[5]) / w };
}

export type SceneOptions = {
  width: number;
  height: number;
  /** Where the screen's corners land in the camera frame. */
  screen: Quad;
  seed?: number;
};

/** The camera frame: `picture` projected onto `opts.screen` in a dim room. */
export function photographScreen(picture: Rgba, opts: SceneOptions): Rgba {
  const { width: w, height: h, screen } = opts;
  const pw = picture.width;
  const ph = picture.height;
  const src: Quad = [
    { x: 0, y: 0 },
    { x: pw, y: 0 },
    { x: pw, y: ph },
    { x: 0, y: ph },
  ];
  // From frame to picture: every frame pixel looks up what it sees.
  const back = homography(screen, src);
  const random = lcg(opts.seed ?? 20);
  const out = new Uint8Array(w * h * 4);
  const sub = [0.25, 0.75];
  const rgb = [0, 0, 0];

  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const wall = room(x, y, w, h);
      let r = 0;
      let g = 0;
      let b = 0;
      // 2×2 samples per pixel: the screen's edges and the shrunken QR modules blend as a lens would blur them.
      for (const dy of sub)
        for (const dx of sub) {
          const s = project(back, { x: x + dx, y: y + dy });
          if (s.x >= 0 && s.y >= 0 && s.x < pw && s.y < ph) {
            bilinear(picture, s.x, s.y, rgb);
            // A projector cannot show black: light adds to the room, and the middle of the image is brighter.
            const cx = s.x / pw - 0.5;
            const cy = s.y / ph - 0.5;
            const gain = 0.8 - 0.16 * (cx * cx + cy * cy);
            r += 30 + rgb[0] * gain;
            g += 30 + rgb[1] * gain;
            b += 34 + rgb[2] * gain;
          } else {
            r += wall[0];
            g += wall[1];
            b += wall[2];
          }
        }
      const noise = (random() - 0.5) * 10;
      const i = (y * w + x) * 4;
      out[i] = clamp(r / 4 + noise);
      out[i + 1] = clamp(g / 4 + noise);
      out[i + 2] = clamp(b / 4 + noise);
      out[i + 3] = 255;
    }
  }
  return { width: w, height: h, data: out };
}

/** A dim lecture hall: dark ceiling, a dusky wall, the heads and shoulders of the row in front, the desks. */
function room(x: number, y: number, w: number, h: number): [number, number, number] {
  const t = y / h;
  let v = t < 0.12 ? 22 : 38 + 26 * Math.sin(Math.PI * Math.min(1, (t - 0.12) / 0.7));
  const spacing = w / 7.5;
  const seat = Math.round((x - spacing / 2) / spacing);
  const cx = spacing / 2 + seat * spacing + ((seat * 37) % 23) - 11;
  const dx = x - cx;
  const shoulders = h * 0.82;
  const head = (dx / (h * 0.042)) ** 2 + ((y - (shoulders - h * 0.075)) / (h * 0.055)) ** 2 <= 1;
  const body = y > shoulders - h * 0.02 && (dx / (h * 0.1)) ** 2 + ((y - shoulders - h * 0.04) / (h * 0.07)) ** 2 <= 1;
  if (head || body || y > shoulders + h * 0.03) v = 16;
  if (y > h * 0.9) v = 30; // the desk in front
  return [v + 4, v + 2, v];
}

function bilinear(p: Rgba, x: number, y: number, out: number[]): void {
  const fx = Math.max(0, x - 0.5);
  const fy = Math.max(0, y - 0.5);
  const x0 = Math.min(p.width - 1, Math.floor(fx));
  const y0 = Math.min(p.height - 1, Math.floor(fy));
  const x1 = Math.min(p.width - 1, x0 + 1);
  const y1 = Math.min(p.height - 1, y0 + 1);
  const ax = fx - x0;
  const ay = fy - y0;
  for (let c = 0; c < 3; c++) {
    const top = p.data[(y0 * p.width + x0) * 4 + c] * (1 - ax) + p.data[(y0 * p.width + x1) * 4 + c] * ax;
    const bottom = p.data[(y1 * p.width + x0) * 4 + c] * (1 - ax) + p.data[(y1 * p.width + x1) * 4 + c] * ax;
    out[c] = top * (1 - ay) + bottom * ay;
  }
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/** Encodes RGBA pixels as a PNG with the browser's own encoder, so the frame can be looked at. */
export async function rgbaToPng(page: Page, picture: Rgba): Promise<Buffer> {
  const b64 = await page.evaluate(
    async ({ width, height, data }) => {
      const bytes = Uint8ClampedArray.from(atob(data), (c) => c.charCodeAt(0));
      const canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      canvas.getContext("2d")!.putImageData(new ImageData(bytes, width, height), 0, 0);
      const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("toBlob failed"))), "image/png"));
      const buf = new Uint8Array(await blob.arrayBuffer());
      let s = "";
      for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
      return btoa(s);
    },
    { width: picture.width, height: picture.height, data: Buffer.from(picture.data).toString("base64") },
  );
  return Buffer.from(b64, "base64");
}
