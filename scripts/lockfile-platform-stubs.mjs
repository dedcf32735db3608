// The npm registry this project installs from carries only the Linux builds of
// packages' platform binaries, so `npm install` leaves the other platforms'
// optional dependencies out of package-lock.json — and `npm ci` then refuses the
// lock file as out of sync. This adds each missing optional package as an entry
// with its os/cpu, which every `npm ci` on a non-matching machine skips.
// Run after `npm install` changes the lock file: `node scripts/lockfile-platform-stubs.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const file = "package-lock.json";
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;

function platformOf(name) {
  const n = name.split("/").pop();
  const os = ["darwin", "win32", "android", "freebsd", "openharmony", "linux", "sunos", "aix", "netbsd", "openbsd"].find((o) => n.includes(o));
  const cpu = ["arm64", "x64", "ia32", "arm", "loong64", "ppc64", "riscv64", "s390x", "wasm32", "mips64el"].find((c) =>
    new RegExp(`(^|-)${c}(-|$)`).test(n),
  );
  const libc = /-musl/.test(n) ? "musl" : /-gnu/.test(n) ? "glibc" : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [where, pkg] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(pkg.optionalDependencies ?? {})) {
    const base = where === "" ? "" : `${where}/`;
    if (packages[`${base}node_modules/${dep}`] || packages[`node_modules/${dep}`]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os && !cpu) continue; // not a platform binary: leave it to npm
    packages[`node_modules/${dep}`] = {
      version: spec.replace(/^[\^~=]/, ""),
      optional: true,
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
      ...(os ? { os: [os === "wasm32" ? "none" : os] } : {}),
    };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`lockfile: added ${added} platform stub entr${added === 1 ? "y" : "ies"}`);
