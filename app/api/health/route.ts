import { json, route } from "@/lib/api/route";
import { getDb } from "@/lib/db/client";
import pkg from "@/package.json";

export const dynamic = "force-dynamic";

export const GET = route(() => {
  let db = "ok";
  try {
    getDb().$client.prepare("SELECT 1").get();
  } catch {
    db = "error";
  }
  return json({ ok: db === "ok", version: pkg.version, db }, db === "ok" ? 200 : 503);
});
