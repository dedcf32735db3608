export type Timers = { set: (fn: () => void, ms: number) => unknown; clear: (t: unknown) => void; now: () => number };

const realTimers: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (t) => clearTimeout(t as ReturnType<typeof setTimeout>), now: () => Date.now() };

/**
 * Runs `fn` when asked, at most once per `minGapMs` and never twice at once:
 * any number of requests within a gap (or while a run is under way) become
 * one more run afterwards, so the last change is never left out.
 */
export function throttled(fn: () => Promise<void>, minGapMs: number, timers: Timers = realTimers) {
  let timer: unknown = null;
  let running = false;
  let again = false;
  let last = -Infinity;
  let cancelled = false;

  const fire = async () => {
    timer = null;
    running = true;
    last = timers.now();
    try {
      await fn();
    } finally {
      running = false;
      if (again && !cancelled) {
        again = false;
        request();
      }
    }
  };

  function request(): void {
    if (cancelled || timer !== null) return;
    if (running) {
      again = true;
      return;
    }
    timer = timers.set(() => void fire(), Math.max(0, last + minGapMs - timers.now()));
  }

  return {
    request,
    cancel() {
      cancelled = true;
      if (timer !== null) timers.clear(timer);
      timer = null;
    },
  };
}
