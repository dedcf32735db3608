import { closeDb, getDb } from "../db/client";
import { describeDemo, seedDemo } from "./demo";

async function main() {
  const summary = await seedDemo(getDb());
  console.log(summary ? describeDemo(summary) : "The database already has users; demo data not added.");
  await closeDb();
}

void main();
