import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { checkin, classroom, liveCode, startSession } from "../attendance-fixtures";
import { startTestServer, type TestServer } from "../server";

// A QR check-in whose session the database could not read is our failure (internal_error, try again), never
// "this QR code is not valid", which tells a student holding a good code to give up.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it("answers internal_error, not invalid_code, when the session cannot be read; the same code works once it can", async () => {
  const c = await classroom(server, 1);
  const session = await startSession(c);
  const { token } = await liveCode(c, session.id);
  const error = vi.spyOn(console, "error").mockImplementation(() => {});
  await getDb().run(sql`ALTER TABLE sessions RENAME TO sessions_away`);
  let res;
  try {
    res = await checkin(c.students[0].client, { token });
  } finally {
    await getDb().run(sql`ALTER TABLE sessions_away RENAME TO sessions`);
    error.mockRestore();
  }
  expect(res.status, JSON.stringify(res.body)).toBe(500);
  expect(res.body.error.code).toBe("internal_error");
  const again = await checkin(c.students[0].client, { token });
  expect(again.status, JSON.stringify(again.body)).toBe(201);
});
