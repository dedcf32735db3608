// Prints one closing line for CI, "tests: N passed, N failed, N skipped", from the
// JSON reports of Vitest (both engines) and Playwright written during `npm test`.
import { existsSync, readFileSync } from "node:fs";

let passed = 0, failed = 0, skipped = 0;
// Vitest runs three times: on SQLite (vitest.json), on PostgreSQL (vitest-pg.json) and
// beyond one process (vitest-scale.json: nodes, workers, nginx).
for (const vitest of [".ci-results/vitest.json", ".ci-results/vitest-pg.json", ".ci-results/vitest-scale.json"]) {
  if (!existsSync(vitest)) continue;
  const r = JSON.parse(readFileSync(vitest, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
const pw = ".ci-results/playwright.json";
if (existsSync(pw)) {
  const s = JSON.parse(readFileSync(pw, "utf8")).stats;
  passed += s.expected + s.flaky;
  failed += s.unexpected;
  skipped += s.skipped;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
