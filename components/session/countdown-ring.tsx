"use client";

import { secondsLeft } from "./format";
import { useNow } from "./use-now";

/**
 * A ring that empties as a code window runs out, drawn against the server's
 * clock: `offsetMs` is serverTime − Date.now() measured when the code arrived.
 */
export function CountdownRing({
  expiresAt,
  periodSeconds,
  offsetMs,
  size = 56,
  stroke = 10,
  label,
  className = "",
  tone = "text-brand-600",
}: {
  expiresAt: string;
  periodSeconds: number;
  offsetMs: number;
  /** px, or any CSS length (e.g. "min(12vmin, 7rem)"). */
  size?: number | string;
  /** In hundredths of the ring's size. */
  stroke?: number;
  /** e.g. "New code in" — the seconds are appended for screen readers. */
  label: string;
  className?: string;
  tone?: string;
}) {
  const now = useNow(250);
  const end = Date.parse(expiresAt);
  const serverNow = now === null ? null : now + offsetMs;
  const left = serverNow === null ? null : secondsLeft(end, serverNow);
  const fraction = serverNow === null ? 1 : Math.min(1, Math.max(0, (end - serverNow) / (periodSeconds * 1000)));
  // Drawn in a 100-unit box so the ring scales to any CSS size.
  const r = (100 - stroke) / 2;
  const circumference = 2 * Math.PI * r;
  const cssSize = typeof size === "number" ? `${size}px` : size;

  return (
    <div
      role="timer"
      aria-label={left === null ? label : `${label} ${left} seconds`}
      className={`relative inline-grid shrink-0 place-items-center ${className}`}
      style={{ width: cssSize, height: cssSize }}
    >
      <svg viewBox="0 0 100 100" className="size-full -rotate-90" aria-hidden="true">
        <circle cx={50} cy={50} r={r} fill="none" strokeWidth={stroke} className="stroke-slate-200" />
        <circle
          cx={50}
          cy={50}
          r={r}
          fill="none"
          strokeWidth={stroke}
          strokeLinecap="round"
          stroke="currentColor"
          strokeDasharray={circumference}
          strokeDashoffset={circumference * (1 - fraction)}
          className={`${tone} motion-safe:transition-[stroke-dashoffset] motion-safe:duration-250 motion-safe:ease-linear`}
        />
      </svg>
      <span className="absolute font-bold tabular-nums" style={{ fontSize: `calc(${cssSize} * 0.32)` }} aria-hidden="true">
        {left ?? ""}
      </span>
    </div>
  );
}
