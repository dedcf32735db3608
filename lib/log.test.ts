import { describe, expect, it } from "vitest";
import { logLimited } from "./log";

describe("logLimited", () => {
  it("writes a cause once per ten minutes and reports how many it held back", () => {
    const lines: number[] = [];
    const t0 = 1_000_000;
    for (let i = 0; i < 50; i++) logLimited("cause-a", (n) => lines.push(n), t0 + i);
    expect(lines).toEqual([0]);
    logLimited("cause-b", (n) => lines.push(n), t0);
    expect(lines).toEqual([0, 0]);
    logLimited("cause-a", (n) => lines.push(n), t0 + 10 * 60_000 + 1);
    expect(lines).toEqual([0, 0, 49]);
  });

  it("keeps a bounded number of causes", () => {
    let written = 0;
    for (let i = 0; i < 2000; i++) logLimited(`many-${i}`, () => written++, 5_000_000);
    expect(written).toBe(2000);
  });
});
