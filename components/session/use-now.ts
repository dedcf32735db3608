"use client";

import { useSyncExternalStore } from "react";

/**
 * Wall-clock time, re-rendering only the components that ask for it, every
 * `stepMs`. Returns null while server-rendering and hydrating, so a countdown
 * never renders one number on the server and another in the browser.
 */
type Ticker = { listeners: Set<() => void>; timer: ReturnType<typeof setInterval> | null };
const tickers = new Map<number, Ticker>();

function ticker(stepMs: number): Ticker {
  let t = tickers.get(stepMs);
  if (!t) {
    t = { listeners: new Set(), timer: null };
    tickers.set(stepMs, t);
  }
  return t;
}

function subscribe(stepMs: number, listener: () => void): () => void {
  const t = ticker(stepMs);
  t.listeners.add(listener);
  t.timer ??= setInterval(() => t.listeners.forEach((l) => l()), stepMs);
  return () => {
    t.listeners.delete(listener);
    if (t.listeners.size === 0 && t.timer) {
      clearInterval(t.timer);
      t.timer = null;
    }
  };
}

// Quantised so that two reads within one render agree.
const read = (stepMs: number) => Math.floor(Date.now() / stepMs) * stepMs;

export function useNow(stepMs = 250): number | null {
  return useSyncExternalStore(
    (l) => subscribe(stepMs, l),
    () => read(stepMs),
    () => null,
  );
}

const noop = () => () => {};

/** False on the server and during hydration, true afterwards: for output that depends on the browser's locale or time zone. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}
