import { closeDb, getDb } from "./client";
import { getEnv } from "../env";

getDb(); // opening migrates
console.log(`Migrations applied to ${getEnv().DATABASE_PATH}`);
void closeDb();
