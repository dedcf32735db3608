/**
 * First-load JavaScript of a prerendered page: the gzip size of every script
 * its HTML runs (the noModule polyfill is skipped: modern browsers never
 * fetch it). Next 16 no longer prints this figure, so the /join budget
 * (issue 13: at most 130 kB compressed; issue 4's was 150) is checked here
 * after `next build`. Lazy chunks a page imports at run time are not counted.
 *
 *   npx tsx scripts/first-load-js.ts [route=/join] [--budget=130] [--dist=.next]
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const route = args.find((a) => !a.startsWith("--")) ?? "/join";
const budgetKb = Number(flag("budget") ?? 130);
const dist = flag("dist") ?? process.env.NEXT_DIST_DIR ?? ".next";

const name = route === "/" ? "index" : route.replace(/^\//, "");
// A page of either router: the App Router's prerendered HTML, or the Pages Router's (where /join lives).
const htmlFile = ["app", "pages"].map((router) => path.join(dist, "server", router, `${name}.html`)).find((f) => existsSync(f)) ?? path.join(dist, "server", "app", `${name}.html`);
if (!existsSync(htmlFile)) {
  console.error(`${htmlFile} not found: is ${route} static (○ in the build output) and built into ${dist}?`);
  process.exit(2);
}
const html = readFileSync(htmlFile, "utf8");
const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+\.js)"[^>]*>/g)].filter((m) => !/\bnoModule\b/i.test(m[0])).map((m) => m[1]);

let total = 0;
for (const src of [...new Set(scripts)]) {
  const file = path.join(dist, src.replace(/^\/_next\//, ""));
  const body = readFileSync(file);
  const gz = gzipSync(body, { level: 9 }).length;
  total += gz;
  console.log(`${String(body.length).padStart(9)} ${String(gz).padStart(8)}  ${src}`);
}
const kb = total / 1000;
console.log(`${route}: ${scripts.length} scripts, ${kb.toFixed(1)} kB gzip first-load JS (budget ${budgetKb} kB)`);
if (kb > budgetKb) process.exit(1);
