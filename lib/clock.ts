import { getProcessValue, setProcessValue } from "./process-store";

/**
 * The server clock is the only clock (SPEC §3). Tests move it instead of
 * sleeping: an offset is added to the real time so timers keep running.
 */
const KEY = "clock.offsetMs";

export function now(): number {
  return Date.now() + (getProcessValue<number>(KEY) ?? 0);
}

export function setClockOffset(ms: number): void {
  setProcessValue(KEY, ms === 0 ? undefined : ms);
}

export function advanceClock(ms: number): void {
  setClockOffset((getProcessValue<number>(KEY) ?? 0) + ms);
}

export function clockOffset(): number {
  return getProcessValue<number>(KEY) ?? 0;
}
