import { json, route } from "@/lib/api/route";
import { getDb } from "@/lib/db/client";
import pkg from "@/package.json";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  let db = "ok";
  try {
    await getDb().ping();
  } catch {
    db = "error";
  }
  return json({ ok: db === "ok", version: pkg.version, db }, db === "ok" ? 200 : 503);
});
