import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A throwaway PostgreSQL for tests and benchmarks: its own data directory in a
 * temporary folder, its own port, started with the server binaries from the
 * machine's packages (Debian: /usr/lib/postgresql/<version>/bin). PostgreSQL
 * refuses to run as root, so as root everything runs as the `postgres` user.
 */
export type ThrowawayPostgres = {
  /** Superuser URL of the `postgres` database. */
  url: string;
  port: number;
  dataDir: string;
  /** The URL of another database on this server. */
  urlOf(database: string): string;
  stop(): void;
};

/** The directory holding `initdb`, `pg_ctl` and `postgres`, or null when PostgreSQL is not installed. */
export function findPostgresBin(): string | null {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, "bin")));
  }
  // Other systems put them on the PATH.
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) if (dir) candidates.push(dir);
  return candidates.find((dir) => existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl"))) ?? null;
}

export const POSTGRES_MISSING =
  "PostgreSQL server binaries (initdb, pg_ctl) not found: install them (Debian/Ubuntu: apt-get install postgresql) or set PG_BIN";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const asRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL binary as the `postgres` user when we are root, as ourselves otherwise. */
function run(bin: string, args: string[], cwd: string): void {
  const [cmd, argv] = asRoot() ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  execFileSync(cmd, argv, { cwd, stdio: ["ignore", "pipe", "pipe"] });
}

export type StartOptions = {
  /** Folder to create the instance in (default: the OS temp folder). */
  root?: string;
  /**
   * Keep PostgreSQL's durability settings (fsync on every commit). Off by
   * default: a test database that dies with its machine loses nothing of value.
   */
  durable?: boolean;
};

export async function startPostgres(opts: StartOptions = {}): Promise<ThrowawayPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const root = opts.root ?? tmpdir();
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(path.join(root, "rollcall-pg-"));
  const dataDir = path.join(dir, "data");
  // The postgres user must reach its data directory and write its socket and log beside it.
  chmodSync(dir, 0o755);
  if (asRoot()) execFileSync("chown", ["postgres:", dir]);

  try {
    run(path.join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${String((e as { stderr?: Buffer }).stderr ?? e)}`);
  }

  const settings = [
    "-c listen_addresses=127.0.0.1",
    `-k ${dir}`,
    "-c max_connections=300",
    ...(opts.durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
  ];
  const stop = () => {
    if (!existsSync(dataDir)) return;
    try {
      run(path.join(bin, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"], dir);
    } catch {
      // Already stopped (or never started): nothing to do but clean up.
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // The port is free when asked and taken a moment later: another process may win it in between.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const log = path.join(dir, "postgres.log");
    const r = spawnSync(
      asRoot() ? "runuser" : path.join(bin, "pg_ctl"),
      [...(asRoot() ? ["-u", "postgres", "--", path.join(bin, "pg_ctl")] : []), "-D", dataDir, "-l", log, "-w", "-t", "60", "-o", `-p ${port} ${settings.join(" ")}`, "start"],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    if (r.status === 0) {
      const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
      return { url: urlOf("postgres"), port, dataDir, urlOf, stop };
    }
    const why = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").slice(-3).join(" | ") : String(r.stderr);
    if (attempt >= 3) {
      stop();
      throw new Error(`PostgreSQL did not start: ${why}`);
    }
  }
}
