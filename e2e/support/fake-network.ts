import os from "node:os";
import path from "node:path";

/**
 * Started as `tsx e2e/support/fake-network.ts <script>`: runs <script> (the real `npm start`, server/start.ts)
 * on a machine whose network cards are E2E_FAKE_NETWORK's (JSON, as os.networkInterfaces() returns them), so a
 * test can say which address the start chooses for phones on a laptop with Wi-Fi and Docker, or with no network.
 */
const fake = JSON.parse(process.env.E2E_FAKE_NETWORK ?? "{}") as ReturnType<typeof os.networkInterfaces>;
os.networkInterfaces = () => fake;

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], script, ...args];
void import(path.resolve(script));
