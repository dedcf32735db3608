import { json, route } from "@/lib/api/route";
import { checkHealth } from "@/lib/health";
import pkg from "@/package.json";

export const dynamic = "force-dynamic";

/** `{ ok, version, db, node }` (SPEC §11); 503 naming the dependency that failed ("error"). */
export const GET = route(async () => {
  const report = await checkHealth(pkg.version);
  return json(report, report.ok ? 200 : 503);
});
