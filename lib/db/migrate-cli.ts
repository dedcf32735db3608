import { closeDb, openDb } from "./client";
import { redactUrl } from "../redact-url";
import { describePostgresError } from "./postgres";
import { getEnv } from "../env";

const env = getEnv();
openDb()
  .then(async () => {
    console.log(`Migrations applied to ${env.DATABASE_URL ? redactUrl(env.DATABASE_URL) : env.DATABASE_PATH}`);
    await closeDb();
  })
  .catch((err) => {
    console.error(`rollcall: ${env.DATABASE_URL ? describePostgresError(err, env.DATABASE_URL) : err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
