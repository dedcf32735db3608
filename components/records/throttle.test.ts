import { describe, expect, it } from "vitest";
import { throttled, type Timers } from "./throttle";

function fakeTimers() {
  let t = 0;
  const queue: Array<{ at: number; fn: () => void; id: number }> = [];
  let ids = 0;
  const timers: Timers = {
    set: (fn, ms) => {
      const id = ++ids;
      queue.push({ at: t + ms, fn, id });
      return id;
    },
    clear: (id) => {
      const i = queue.findIndex((q) => q.id === id);
      if (i >= 0) queue.splice(i, 1);
    },
    now: () => t,
  };
  const flush = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  const advance = async (ms: number) => {
    const end = t + ms;
    await flush();
    for (;;) {
      queue.sort((a, b) => a.at - b.at);
      const next = queue[0];
      if (!next || next.at > end) break;
      queue.shift();
      t = next.at;
      next.fn();
      await flush();
    }
    t = end;
  };
  return { timers, advance };
}

describe("throttled refetch", () => {
  it("runs at once the first time, then at most once per gap, and always once after the last request", async () => {
    const { timers, advance } = fakeTimers();
    const runs: number[] = [];
    const r = throttled(async () => void runs.push(timers.now()), 1000, timers);
    r.request();
    await advance(0);
    expect(runs).toEqual([0]);
    for (let i = 0; i < 20; i++) {
      r.request();
      await advance(100);
    }
    await advance(2000);
    // A burst of 20 requests over 2 s: runs at 1 s and 2 s, and nothing is left pending.
    expect(runs).toEqual([0, 1000, 2000]);
  });

  it("never runs twice at once: a request during a run becomes one run after it", async () => {
    const { timers, advance } = fakeTimers();
    let active = 0;
    let maxActive = 0;
    let release: () => void = () => {};
    let count = 0;
    const r = throttled(
      () =>
        new Promise<void>((resolve) => {
          count++;
          active++;
          maxActive = Math.max(maxActive, active);
          release = () => {
            active--;
            resolve();
          };
        }),
      0,
      timers,
    );
    r.request();
    await advance(0);
    r.request();
    r.request();
    await advance(10);
    expect(count).toBe(1);
    release();
    await advance(10);
    expect(count).toBe(2);
    release();
    await advance(10);
    expect(count).toBe(2);
    expect(maxActive).toBe(1);
  });

  it("does nothing after cancel", async () => {
    const { timers, advance } = fakeTimers();
    let count = 0;
    const r = throttled(async () => void count++, 1000, timers);
    r.request();
    r.cancel();
    r.request();
    await advance(5000);
    expect(count).toBe(0);
  });
});
