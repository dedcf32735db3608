import { defineConfig } from "drizzle-kit";

// The PostgreSQL twin of drizzle.config.ts: `npm run db:generate` writes both.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema.pg.ts",
  out: "./drizzle-pg",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://localhost/rollcall" },
});
