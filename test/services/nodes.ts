import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { io as connect } from "socket.io-client";
import type { ClientSocket } from "../server";

/**
 * Nodes of a multi-node test as real processes (test/services/node.ts), each
 * on the database this test file uses (the SQLite file, or its PostgreSQL
 * database under `npm run test:pg`) and on one Redis.
 */
export type TestNode = {
  name: string;
  url: string;
  child: ChildProcess;
  /** Lines the node wrote, for failure messages. */
  output: string[];
  socket(auth?: { token?: string; cookie?: string }): Promise<ClientSocket>;
  /** A node dying: no drain, no goodbye. */
  kill(): Promise<void>;
  /** Stops it properly (SIGTERM), our sockets closed first. */
  stop(): Promise<void>;
  /** SIGTERM with our sockets still open (a drain under load); resolves when it has exited, with its exit code. */
  terminate(): Promise<number | null>;
};

const ROOT = path.resolve(__dirname, "../..");

export async function startNode(name: string, env: Record<string, string>): Promise<TestNode> {
  // Node itself with tsx's loader, not the tsx command: that one runs the server as its own child, out of a SIGKILL's reach.
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "test/services/node.ts")], {
    cwd: ROOT,
    env: { ...process.env, NODE_NAME: name, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const sockets: ClientSocket[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${name} did not start within 60 s:\n${output.join("")}`)), 60_000);
    child.stdout!.on("data", (d: Buffer) => {
      output.push(d.toString());
      const m = /listening (\S+)/.exec(output.join(""));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr!.on("data", (d: Buffer) => output.push(d.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`node ${name} exited with ${code}:\n${output.join("")}`));
    });
  });
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
  return {
    name,
    url,
    child,
    output,
    async socket(auth = {}) {
      const s: ClientSocket = connect(url, {
        path: "/socket.io",
        transports: ["websocket"],
        auth: auth.token ? { token: auth.token } : {},
        extraHeaders: auth.cookie ? { cookie: auth.cookie } : {},
        reconnection: false,
        forceNew: true,
      });
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once("connect", () => resolve());
        s.once("connect_error", (e) => reject(e));
      });
      return s;
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
      for (const s of sockets) s.disconnect();
    },
    async terminate() {
      child.kill("SIGTERM");
      await exited;
      return child.exitCode;
    },
    async stop() {
      for (const s of sockets) s.disconnect();
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
