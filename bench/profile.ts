import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Reads the V8 CPU profile the Rollcall server wrote (`--profile`) and says
 * where its time went during the measured window: by package, by function
 * (self time), and for our own code the time spent inside each function
 * including what it called.
 */
type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] };

export type ProfileEntry = { name: string; ms: number; share: number };
export type ProfileSummary = { file: string; windowMs: number; byArea: ProfileEntry[]; selfTop: ProfileEntry[]; oursInclusive: ProfileEntry[] };

const ROOT = process.cwd();

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  if (url.startsWith("node:")) return "node internals";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) {
    const name = pkg[1];
    if (/^(socket\.io|socket\.io-parser|socket\.io-adapter|engine\.io|engine\.io-parser|ws)$/.test(name)) return "socket.io + ws";
    return name;
  }
  if (url.includes("/.next")) return "Next bundle (route handlers + Next runtime)";
  if (url.includes(ROOT)) return "ours: " + path.relative(ROOT, url.replace(/^file:\/\//, "")).split("/")[0] + "/";
  return "other";
}

function label(f: CallFrame): string {
  const file = f.url ? f.url.replace(/^file:\/\//, "").replace(ROOT + "/", "").replace(/.*node_modules\//, "~/") : "";
  // tsx compiles our .ts files in memory, so their line numbers are the compiled ones: name the file only.
  const where = !file ? "" : file.endsWith(".ts") ? file : `${file}:${f.lineNumber + 1}`;
  return `${f.functionName || "(anonymous)"} ${where}`.trim();
}

const isOurs = (url: string) => url.includes(ROOT) && !url.includes("node_modules") && !url.includes("/.next");

export function summarizeProfile(file: string, windowUs?: { start: number; end: number }, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (windowUs && (t < windowUs.start || t > windowUs.end)) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    total += dt;
    const f = node.callFrame;
    self.set(label(f), (self.get(label(f)) ?? 0) + dt);
    const a = area(f.url, f.functionName);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const cf = byId.get(id)!.callFrame;
      if (!isOurs(cf.url)) continue;
      const key = label(cf);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  }
  const list = (m: Map<string, number>, n: number): ProfileEntry[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, share: total ? us / total : 0 }));
  return { file, windowMs: total / 1000, byArea: list(areas, 30), selfTop: list(self, top), oursInclusive: list(inclusive, top) };
}

/** The main thread's profile: Node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, thread 0 first. */
export function mainThreadProfile(dir: string): string | null {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).sort();
  const main = files.find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)) ?? files[0];
  return main ? path.join(dir, main) : null;
}

export function profileText(p: ProfileSummary): string {
  const pct = (e: ProfileEntry) => `${(e.share * 100).toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.name}`;
  return [
    `CPU profile of the Rollcall server during the measured window (${p.windowMs.toFixed(0)} ms sampled): ${p.file}`,
    "By area (self time):",
    ...p.byArea.map((e) => "  " + pct(e)),
    "Top functions (self time):",
    ...p.selfTop.map((e) => "  " + pct(e)),
    "Our code, time inside each function including what it calls:",
    ...p.oursInclusive.map((e) => "  " + pct(e)),
  ].join("\n");
}
