import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { onRunnerExit, ROOT } from "./harness";

/**
 * docs/DEPLOY.md's nginx example, run for real: nginx from the machine's
 * packages (Debian: apt-get install nginx), in the foreground, with a temp
 * prefix and a top-level config of its own that includes the example file
 * verbatim but for the nodes' addresses and the port it listens on.
 */
export const EXAMPLE = path.join(ROOT, "docs/deploy/nginx-rollcall.conf");
export const EXAMPLE_NODES = ["10.0.0.11:3000", "10.0.0.12:3000"];
export const EXAMPLE_LISTEN = "listen 80;";

export const NGINX_MISSING = "nginx not found: install it (Debian/Ubuntu: apt-get install nginx) or set NGINX";

export function findNginx(): string | null {
  if (process.env.NGINX) return existsSync(process.env.NGINX) ? process.env.NGINX : null;
  for (const dir of ["/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin", ...(process.env.PATH ?? "").split(path.delimiter)]) {
    if (dir && existsSync(path.join(dir, "nginx"))) return path.join(dir, "nginx");
  }
  return null;
}

/** The example with the test's addresses: every occurrence replaced, and nothing else changed. */
export function exampleFor(nodes: string[], port: number): string {
  let text = readFileSync(EXAMPLE, "utf8");
  if (!text.includes(EXAMPLE_LISTEN)) throw new Error(`${EXAMPLE} no longer says "${EXAMPLE_LISTEN}"`);
  text = text.replace(EXAMPLE_LISTEN, `listen 127.0.0.1:${port};`);
  EXAMPLE_NODES.forEach((address, i) => {
    if (!text.includes(address)) throw new Error(`${EXAMPLE} no longer names ${address}`);
    text = text.split(address).join(nodes[i]);
  });
  return text;
}

export type RunningNginx = { url: string; port: number; pid: number; errors(): string; stop(): Promise<void> };

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

export async function startNginx(o: { nodes: string[]; port: number }): Promise<RunningNginx> {
  const bin = findNginx();
  if (!bin) throw new Error(NGINX_MISSING);
  const prefix = mkdtempSync(path.join(tmpdir(), "rollcall-nginx-"));
  chmodSync(prefix, 0o755);
  // As root nginx's workers run as nobody: its temp folders must be theirs to write.
  for (const d of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
    mkdirSync(path.join(prefix, d));
    chmodSync(path.join(prefix, d), 0o777);
  }
  writeFileSync(path.join(prefix, "rollcall.conf"), exampleFor(o.nodes, o.port));
  const conf = `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
    access_log ${prefix}/access.log;
    client_body_temp_path ${prefix}/client_body;
    proxy_temp_path ${prefix}/proxy;
    fastcgi_temp_path ${prefix}/fastcgi;
    uwsgi_temp_path ${prefix}/uwsgi;
    scgi_temp_path ${prefix}/scgi;
    include ${prefix}/rollcall.conf;
}
`;
  writeFileSync(path.join(prefix, "nginx.conf"), conf);
  const errorsOf = () => (existsSync(path.join(prefix, "error.log")) ? readFileSync(path.join(prefix, "error.log"), "utf8") : "");
  const args = ["-p", prefix, "-c", path.join(prefix, "nginx.conf"), "-e", path.join(prefix, "error.log")];
  const test = spawn(bin, [...args, "-t"], { stdio: ["ignore", "pipe", "pipe"] });
  let testOut = "";
  test.stderr!.on("data", (d) => (testOut += d));
  const ok = await new Promise<boolean>((resolve) => test.once("exit", (code) => resolve(code === 0)));
  if (!ok) throw new Error(`nginx -t refused the example:\n${testOut}`);

  const child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone
    }
  };
  const unhook = onRunnerExit(kill);
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (await listening(o.port)) {
      return {
        url: `http://127.0.0.1:${o.port}`,
        port: o.port,
        pid: child.pid!,
        errors: errorsOf,
        stop: async () => {
          // QUIT: a graceful stop, as systemd does; the group kill catches anything left.
          child.kill("SIGQUIT");
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
          kill();
          unhook();
          rmSync(prefix, { recursive: true, force: true });
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  kill();
  throw new Error(`nginx did not start: ${stderr}\n${errorsOf()}`);
}
