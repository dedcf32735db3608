import { closeDb, getDb } from "./client";
import { describeDemo, seedDemo } from "./seed";

async function main() {
  const summary = await seedDemo(getDb());
  console.log(summary ? describeDemo(summary) : "The database already has users; demo data not added.");
  await closeDb();
}

void main();
