/**
 * The arrival schedule of a lecture hall: who arrives when, and how they check in.
 * Everything comes from one seeded generator, so a seed replays the same minute
 * against Rollcall and against the floor, and run after run.
 */

export type Channel = "socket" | "rest";

export type Arrival = {
  /** Index into the seeded student list. */
  student: number;
  /** Milliseconds after the start of the schedule. */
  at: number;
  channel: Channel;
  /** Also sends a second check-in at once (a double tap, or the camera app and the page both firing). */
  doubleTap: boolean;
  /** Page flow: the phone has never loaded the page (the first lecture of term), so its cache is empty. */
  cold: boolean;
};

/** mulberry32: small, fast and good enough to draw a schedule from. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Beta(a, b) for whole a and b: the a-th smallest of a + b - 1 uniforms.
 * Beta(2, 5) rises fast and tails off: the peak is at 20% of the window, where
 * the rate is about 2.5 times the average — most of the hall scans in the first
 * few seconds after the QR code goes up, stragglers trickle in after.
 */
export function betaSample(next: () => number, a: number, b: number): number {
  const u = Array.from({ length: a + b - 1 }, next).sort((x, y) => x - y);
  return u[a - 1];
}

function shuffled(n: number, next: () => number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export type ScheduleOptions = { students: number; overSeconds: number; restShare: number; doubleTap: number; coldShare: number; seed: number };

export function buildSchedule(o: ScheduleOptions): Arrival[] {
  const next = rng(o.seed);
  const times = Array.from({ length: o.students }, () => betaSample(next, 2, 5) * o.overSeconds * 1000);
  // Exact shares rather than a coin per phone, so small runs still have both channels.
  const order = shuffled(o.students, next);
  const rest = new Set(order.slice(0, Math.round(o.students * o.restShare)));
  const taps = new Set(shuffled(o.students, next).slice(0, Math.round(o.students * o.doubleTap)));
  // Drawn last, so a seed's arrival times, channels and double taps are what they were before cold phones existed.
  const cold = new Set(shuffled(o.students, next).slice(0, Math.round(o.students * o.coldShare)));
  return times
    .map((at, student) => ({ student, at, channel: rest.has(student) ? ("rest" as const) : ("socket" as const), doubleTap: taps.has(student), cold: cold.has(student) }))
    .sort((x, y) => x.at - y.at);
}

/** The busiest one-second window of the schedule, in arrivals per second. */
export function peakRate(arrivals: Arrival[]): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < arrivals.length; hi++) {
    while (arrivals[hi].at - arrivals[lo].at >= 1000) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
