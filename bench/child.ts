import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { STOP_MESSAGE, type ReadyMessage, type Roster } from "./child-protocol";

export type ServerChild = { ready: ReadyMessage; roster: Roster; pid: number; stop: () => Promise<number | null> };

const READY_TIMEOUT_MS = 180_000;

/** A port nobody listens on right now: listen on 0, note it, let go. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `bench/<script>` in its own Node process (TypeScript through tsx's
 * loader, `nodeFlags` such as --cpu-prof in front) and waits for its ready
 * message. Its output goes to our stderr so `--json` keeps stdout clean.
 */
export async function startChild(script: string, env: Record<string, string>, nodeFlags: string[] = []): Promise<ServerChild> {
  const child = fork(path.join(__dirname, script), [], {
    execArgv: ["--import", "tsx", ...nodeFlags],
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  child.stdout?.pipe(process.stderr);
  child.stderr?.pipe(process.stderr);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} was not ready within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    child.once("message", (m) => {
      clearTimeout(timer);
      resolve(m as ReadyMessage);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (code ${code}) before it was ready`));
    });
  });
  const roster = JSON.parse(readFileSync(ready.rosterFile, "utf8")) as Roster;

  let stopping: Promise<number | null> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.send(STOP_MESSAGE);
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    })());
  return { ready, roster, pid: child.pid ?? 0, stop };
}
