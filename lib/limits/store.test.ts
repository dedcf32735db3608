import { RateLimiterMemory } from "rate-limiter-flexible";
import { describe, expect, it, vi } from "vitest";
import { failOpen, isLimiterRefusal, STORE_RETRY_MS, type Limiter } from "./store";

const options = { keyPrefix: "t", points: 2, duration: 60 };

/** A store whose `consume` fails while `down.value` is set, and counts in memory otherwise. */
function flakyStore(down: { value: boolean }, asked: { n: number }): Limiter {
  const real = new RateLimiterMemory(options);
  return new Proxy(real, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== "function") return v;
      return async (...args: unknown[]) => {
        asked.n++;
        if (down.value) throw new Error("no answer from the store in time");
        return v.apply(target, args);
      };
    },
  }) as Limiter;
}

describe("failOpen", () => {
  it("passes the store's answers through, its refusals included", async () => {
    const asked = { n: 0 };
    const l = failOpen(flakyStore({ value: false }, asked), options);
    await l.consume("k");
    await l.consume("k");
    const refused = await l.consume("k").catch((e) => e);
    expect(isLimiterRefusal(refused)).toBe(true);
    expect(asked.n).toBe(3);
  });

  it("counts in memory while the store fails, leaves it alone for a while, then asks it again", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const down = { value: true };
    const asked = { n: 0 };
    let t = 1_000_000;
    const l = failOpen(flakyStore(down, asked), options, () => t);
    await expect(l.consume("k")).resolves.toMatchObject({ consumedPoints: 1 });
    expect(asked.n).toBe(1);
    // Within the pause the store is not asked; the memory counters still refuse past the points.
    await expect(l.consume("k")).resolves.toMatchObject({ consumedPoints: 2 });
    expect(isLimiterRefusal(await l.consume("k").catch((e) => e))).toBe(true);
    expect(asked.n).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);

    t += STORE_RETRY_MS;
    down.value = false;
    await expect(l.consume("other")).resolves.toMatchObject({ consumedPoints: 1 });
    expect(asked.n).toBe(2);
    warn.mockRestore();
  });
});
