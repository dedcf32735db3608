/**
 * Turns a picture (RGBA pixels) into a Y4M video that Chromium plays as a fake
 * camera (`--use-file-for-fake-video-capture=file.y4m`; it loops the file).
 * Y4M is raw frames behind a one-line header; we write planar I420 (4:2:0),
 * full-range BT.601, the picture centred on white like a QR on a projector.
 */

export type Rgba = { width: number; height: number; data: Uint8Array | Uint8ClampedArray };

export type Y4mOptions = {
  width?: number;
  height?: number;
  frames?: number;
  fps?: number;
  /** Share of the frame height the picture may take (it is scaled to fit, keeping square pixels). */
  fill?: number;
};

/** Nearest-neighbour scale of `src` into a white `w`×`h` canvas, centred, as luma/chroma planes. */
export function rgbaToI420(src: Rgba, w: number, h: number, fill: number): Buffer {
  if (w % 2 || h % 2) throw new Error("I420 needs even dimensions");
  const scale = Math.min((h * fill) / src.height, (w * fill) / src.width);
  const dw = Math.max(1, Math.round(src.width * scale));
  const dh = Math.max(1, Math.round(src.height * scale));
  const ox = Math.floor((w - dw) / 2);
  const oy = Math.floor((h - dh) / 2);

  // RGB of every output pixel first (white where the picture is not), then convert.
  const rgb = new Uint8Array(w * h * 3).fill(255);
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(src.height - 1, Math.floor(y / scale));
    for (let x = 0; x < dw; x++) {
      const sx = Math.min(src.width - 1, Math.floor(x / scale));
      const si = (sy * src.width + sx) * 4;
      const a = src.data[si + 3] / 255;
      const di = ((oy + y) * w + (ox + x)) * 3;
      // Transparent pixels are composited over white.
      rgb[di] = Math.round(src.data[si] * a + 255 * (1 - a));
      rgb[di + 1] = Math.round(src.data[si + 1] * a + 255 * (1 - a));
      rgb[di + 2] = Math.round(src.data[si + 2] * a + 255 * (1 - a));
    }
  }

  const ySize = w * h;
  const cw = w / 2;
  const ch = h / 2;
  const out = Buffer.alloc(ySize + 2 * cw * ch);
  for (let i = 0; i < ySize; i++) {
    const r = rgb[i * 3];
    const g = rgb[i * 3 + 1];
    const b = rgb[i * 3 + 2];
    out[i] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
  }
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      // Average the 2×2 block the chroma sample covers.
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const i = ((cy * 2 + dy) * w + (cx * 2 + dx)) * 3;
        r += rgb[i];
        g += rgb[i + 1];
        b += rgb[i + 2];
      }
      r /= 4;
      g /= 4;
      b /= 4;
      out[ySize + cy * cw + cx] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      out[ySize + cw * ch + cy * cw + cx] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return out;
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/** A Y4M file of `frames` identical frames showing `picture`. */
export function toY4m(picture: Rgba, opts: Y4mOptions = {}): Buffer {
  const { width = 640, height = 480, frames = 10, fps = 10, fill = 0.8 } = opts;
  const frame = rgbaToI420(picture, width, height, fill);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, "ascii");
  const marker = Buffer.from("FRAME\n", "ascii");
  const parts: Buffer[] = [header];
  for (let i = 0; i < frames; i++) parts.push(marker, frame);
  return Buffer.concat(parts);
}

/** Reads back the luma of one pixel of the first frame: lets the converter be checked without a video decoder. */
export function lumaAt(y4m: Buffer, x: number, y: number): number {
  const headerEnd = y4m.indexOf(0x0a) + 1;
  const width = Number(/ W(\d+)/.exec(y4m.subarray(0, headerEnd).toString("ascii"))![1]);
  return y4m[headerEnd + "FRAME\n".length + y * width + x];
}
