/**
 * What a bench server child (Rollcall's or the floor's) tells the load
 * generator. The servers run in their own processes so that the generator's
 * thousands of client sockets never share an event loop with what is measured.
 */

export type BenchStudent = { id: string; name: string; email: string; token: string };

export type Roster = {
  students: BenchStudent[];
  /** Rollcall: the teacher signs in through POST /api/token. The floor has no passwords: its token is given. */
  teacher: { id: string; email: string; password: string | null; token: string | null };
  /** Every seeded account shares this password (one scrypt hash for all, to seed fast). */
  studentPassword: string | null;
  courseId: string | null;
  /** The floor opens its session itself; Rollcall's is started by the generator through the REST API. */
  sessionId: string | null;
};

export type ReadyMessage = { type: "ready"; url: string; rosterFile: string; dbPath: string; seedMs: number };

export const STOP_MESSAGE = "stop";

export function sendReady(message: ReadyMessage): void {
  if (!process.send) throw new Error("bench servers are started by bench/run.ts (they need its IPC channel)");
  process.send(message);
}

/** Stops on the parent's word, or by itself when the parent goes away, so no server outlives a crashed bench. */
export function onStop(close: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    // A normal exit also lets --cpu-prof write its profile.
    close().then(
      () => process.exit(0),
      (err) => {
        console.error("[bench] server close failed", err);
        process.exit(1);
      },
    );
  };
  process.on("message", (m) => {
    if (m === STOP_MESSAGE) stop();
  });
  process.on("disconnect", stop);
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

export function requiredEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (bench servers are started by bench/run.ts)`);
  return v;
}
