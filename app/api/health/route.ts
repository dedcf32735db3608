import { json, methods, route } from "@/lib/api/route";
import { checkHealth } from "@/lib/health";
import pkg from "@/package.json";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  /** `{ ok, version, db, node }` (SPEC §11); 503 naming the dependency that failed ("error"). */
  GET: route(async () => {
    const report = await checkHealth(pkg.version);
    return json(report, report.ok ? 200 : 503);
  }),
});
