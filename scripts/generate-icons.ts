/**
 * Renders Rollcall's app icons (the check-mark logo of components/rollcall-mark.tsx)
 * to PNG with the same Chromium the e2e tests use, and the favicon (16, 32 and
 * 48 px in one .ico) from the same drawing. Run once after changing the design
 * and commit the files:  npx tsx scripts/generate-icons.ts
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

const BRAND = "#1d4ed8";
const CHECK = "M9 16.5l4.5 4.5L23 11.5";

type Icon = { file: string; size: number; fullBleed: boolean };

const ICONS: Icon[] = [
  { file: "public/icons/icon-192.png", size: 192, fullBleed: false },
  { file: "public/icons/icon-512.png", size: 512, fullBleed: false },
  // Maskable: the launcher crops to its own shape, so fill the square and keep the mark in the middle 60%.
  { file: "public/icons/icon-maskable-512.png", size: 512, fullBleed: true },
  // iOS rounds the corners itself and shows black behind transparency.
  { file: "public/apple-touch-icon.png", size: 180, fullBleed: true },
];

function svg({ size, fullBleed }: Icon): string {
  // The logo is drawn on a 32-unit grid; full-bleed icons shrink the check into the safe zone.
  const background = fullBleed ? `<rect width="32" height="32" fill="${BRAND}"/>` : `<rect x="1" y="1" width="30" height="30" rx="7" fill="${BRAND}"/>`;
  const scale = fullBleed ? 0.8 : 1;
  const offset = 16 * (1 - scale);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="${size}" height="${size}">
    ${background}
    <g transform="translate(${offset} ${offset}) scale(${scale})">
      <path d="${CHECK}" fill="none" stroke="white" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/>
    </g>
  </svg>`;
}

/** The favicon's sizes: browser tabs (16, 32) and Windows shortcuts (48). */
const FAVICON_SIZES = [16, 32, 48];

/** An .ico holding PNG images (every browser since IE 11 reads them): a 6-byte header, a 16-byte entry per image, the PNGs. */
export function icoFromPngs(images: Array<{ size: number; png: Buffer }>): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0);
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt8(0, 2); // no palette
    e.writeUInt8(0, 3);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

async function main() {
  const browser = await chromium.launch({ executablePath: existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined, args: ["--no-sandbox"] });
  try {
    for (const icon of ICONS) {
      const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size }, deviceScaleFactor: 1 });
      await page.setContent(`<html><body style="margin:0;background:transparent">${svg(icon)}</body></html>`);
      mkdirSync(path.dirname(icon.file), { recursive: true });
      await page.locator("svg").screenshot({ path: icon.file, omitBackground: !icon.fullBleed });
      await page.close();
      console.log(`wrote ${icon.file} (${icon.size}×${icon.size})`);
    }
    // The favicon is the app icon small: the rounded square, transparent around it.
    const frames = [];
    for (const size of FAVICON_SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      await page.setContent(`<html><body style="margin:0;background:transparent">${svg({ file: "", size, fullBleed: false })}</body></html>`);
      frames.push({ size, png: await page.locator("svg").screenshot({ omitBackground: true }) });
      await page.close();
    }
    writeFileSync("public/favicon.ico", icoFromPngs(frames));
    console.log(`wrote public/favicon.ico (${FAVICON_SIZES.join(", ")} px)`);
  } finally {
    await browser.close();
  }
}

void main();
