import { describe, expect, it } from "vitest";
import { checkHealth, registerHealthCheck } from "./health";

describe("checkHealth", () => {
  it("reports ok, the version, this process's name and each dependency", async () => {
    expect(await checkHealth("1.2.3")).toEqual({ ok: true, version: "1.2.3", node: expect.any(String), db: "ok" });
  });

  it("is not ok, naming the dependency that failed, when a check throws or hangs past its deadline", async () => {
    const offRedis = registerHealthCheck("redis", () => Promise.reject(new Error("connection refused")));
    try {
      expect(await checkHealth("1")).toMatchObject({ ok: false, db: "ok", redis: "error" });
    } finally {
      offRedis();
    }
    const offDb = registerHealthCheck("db", () => new Promise(() => {}));
    try {
      const started = Date.now();
      expect(await checkHealth("1")).toMatchObject({ ok: false, db: "error" });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      offDb();
    }
  });
});
