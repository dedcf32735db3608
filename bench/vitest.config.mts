import { fileURLToPath } from "node:url";
import path from "node:path";
import { defineConfig } from "vitest/config";

// The bench's own unit tests (pure logic: the page plan). The project's config leaves bench/ out, since the
// bench itself is run by `npm run bench`: `npx vitest run --config bench/vitest.config.mts`.
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export default defineConfig({
  root,
  resolve: { alias: { "@": root } },
  test: { environment: "node", include: ["bench/**/*.test.ts"] },
});
