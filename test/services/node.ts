import cluster from "node:cluster";
import { getEnv } from "@/lib/env";
import { runPrimary } from "@/server/scale/primary";
import { startTestServer } from "../server";

/**
 * One node of a multi-node test (test/integration/nodes.test.ts): the test
 * server (the app's route handlers and Socket.IO server, no page rendering) as
 * its own process, sharing through REDIS_URL and the database named by
 * DATABASE_PATH or DATABASE_URL. With WORKERS=<n> it is the cluster's primary
 * of n such workers on NODE_PORT, as server/start.ts runs them
 * (test/integration/workers.test.ts). Prints `listening <url>` once it serves;
 * SIGTERM stops it properly, SIGKILL is a node dying.
 */
async function main() {
  const port = Number(process.env.NODE_PORT ?? 0);
  const workers = getEnv().WORKERS;
  if (cluster.isPrimary && workers > 1) {
    const primary = runPrimary({ workers, env: getEnv(), onListening: (p) => console.log(`listening http://127.0.0.1:${p}`) });
    process.on("SIGTERM", () => void primary.stop("SIGTERM").then(() => process.exit(0)));
    return;
  }
  const server = await startTestServer({ shared: true, port });
  if (cluster.isPrimary) console.log(`listening ${server.url}`);
  process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
}

main().catch((err) => {
  console.error("node failed to start:", err);
  process.exit(1);
});
