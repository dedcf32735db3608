"use client";

import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import type { StaffSessionView } from "@/lib/model/attendance";
import { CountdownRing } from "./countdown-ring";
import { groupCode } from "./format";
import { QrCode } from "./qr-code";
import { useLiveSession } from "./use-live-session";
import { useNow } from "./use-now";
import { courseLabel } from "@/lib/model/course";
import type { PhoneReach } from "@/lib/model/site";
import { LoopbackBanner } from "./phone-reach";

function subscribeFullscreen(onChange: () => void) {
  document.addEventListener("fullscreenchange", onChange);
  return () => document.removeEventListener("fullscreenchange", onChange);
}

/** Keeps the projector laptop's screen on while the page is visible, where the browser allows it. */
function useWakeLock(enabled: boolean) {
  useEffect(() => {
    if (!enabled || !("wakeLock" in navigator)) return;
    let sentinel: WakeLockSentinel | null = null;
    let cancelled = false;
    const acquire = async () => {
      if (document.visibilityState !== "visible" || cancelled) return;
      try {
        sentinel = await navigator.wakeLock.request("screen");
        // Unmounted while the request was pending: give the lock straight back.
        if (cancelled) void sentinel.release().catch(() => {});
      } catch {
        // Refused (battery saver, no user gesture yet): the page still works.
      }
    };
    const onVisible = () => void acquire();
    void acquire();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      cancelled = true;
      document.removeEventListener("visibilitychange", onVisible);
      void sentinel?.release().catch(() => {});
    };
  }, [enabled]);
}

/**
 * What the room sees: the QR as large as the screen allows, the code in huge
 * type, a countdown and the running count. No student names, ever.
 */
export function Projector({ initial, reach }: { initial: StaffSessionView; reach: PhoneReach }) {
  const live = useLiveSession(initial);
  const { session, code, roster } = live;
  const counts = roster.counts;
  const checkedIn = counts.present + counts.late;
  // After closeAfterMinutes a scan is refused: say so instead of showing a code
  // nobody can use (server time, via the offset the last code carried).
  const now = useNow(1000);
  const closesAt = session.closesAt === null ? null : Date.parse(session.closesAt);
  const checkinClosed = session.status === "active" && closesAt !== null && now !== null && now + (code?.offsetMs ?? 0) >= closesAt;
  const active = session.status === "active" && !checkinClosed;
  const label = courseLabel({ code: session.courseCode, name: session.courseName }, " · ");

  const isFullscreen = useSyncExternalStore(
    subscribeFullscreen,
    () => document.fullscreenElement !== null,
    () => false,
  );
  const [fullscreenError, setFullscreenError] = useState(false);
  const toggleFullscreen = useCallback(async () => {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await document.documentElement.requestFullscreen({ navigationUI: "hide" });
    } catch {
      setFullscreenError(true);
    }
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.key === "f" || e.key === "F") && !e.ctrlKey && !e.metaKey && !e.altKey) void toggleFullscreen();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [toggleFullscreen]);

  useWakeLock(active);

  return (
    <div className="theme-light flex h-dvh flex-col overflow-hidden bg-white text-slate-950">
      {active ? <LoopbackBanner reach={reach} size="projector" /> : null}
      <header className="flex shrink-0 items-center justify-between gap-4 px-[3vmin] pt-[2.5vmin]">
        <div className="min-w-0">
          {/* Legible from the back row: about 4 cm tall on a 3 m screen. */}
          <h1 className="truncate text-[clamp(1.4rem,4.2vmin,3.75rem)] font-bold leading-tight">{label}</h1>
          <p className="truncate text-[clamp(1rem,2.8vmin,2.5rem)] text-slate-700">{session.title}</p>
        </div>
        <div className="flex shrink-0 items-center gap-3">
          {live.status === "reconnecting" || live.status === "offline" ? (
            <span role="status" className="rounded-full bg-amber-100 px-3 py-1 text-sm font-semibold text-amber-950">
              Reconnecting…
            </span>
          ) : null}
          <button
            type="button"
            onClick={toggleFullscreen}
            title={fullscreenError ? "Your browser refused full screen; try F11" : "Or press F"}
            className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-900 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900"
          >
            {isFullscreen ? "Exit full screen" : "Full screen"}
          </button>
        </div>
      </header>

      {active ? (
        <main className="grid min-h-0 flex-1 grid-rows-[auto_minmax(0,1fr)] [container-type:size] items-center gap-[4vmin] px-[3vmin] pb-[3vmin] pt-[2vmin] landscape:grid-cols-[auto_minmax(0,1fr)] landscape:grid-rows-1">
          {/* As large as the screen allows: the back row scans from ten metres away. */}
          <div className="justify-self-center">
            {code ? (
              <QrCode value={code.url} label="QR code to check in" className="aspect-square w-[min(100cqh,54cqw)] portrait:w-[min(100cqw,50cqh)]" />
            ) : (
              <div className="grid aspect-square w-[min(calc(100dvh-5.5rem-7vmin),54vw)] place-items-center bg-slate-100 text-2xl text-slate-700 portrait:w-[min(88vw,50dvh)]">
                Loading…
              </div>
            )}
          </div>

          <div className="@container flex min-w-0 flex-col justify-center gap-[4vmin]">
            <div>
              <p className="text-[clamp(1rem,2.4vmin,2rem)] font-semibold uppercase tracking-wider text-slate-700">Code</p>
              <p className="whitespace-nowrap text-[clamp(3rem,19cqw,13rem)] font-black leading-none tracking-tight tabular-nums" data-testid="projector-code">
                {code ? groupCode(code.code) : "··· ···"}
              </p>
              {code?.codeExpiresAt ? (
                <div className="mt-[2vmin] flex items-center gap-[1.5vmin] text-[clamp(1rem,2.4vmin,2rem)] font-medium text-slate-700">
                  <CountdownRing
                    expiresAt={code.codeExpiresAt}
                    periodSeconds={session.codeRotationSeconds}
                    offsetMs={code.offsetMs}
                    size="clamp(3rem, 9vmin, 7rem)"
                    stroke={10}
                    label="New code in"
                    tone="text-slate-950"
                  />
                  <span aria-hidden="true">until the code changes</span>
                </div>
              ) : null}
            </div>

            {/* The join address is the second-largest text, after the code: the way in for anyone whose camera won't scan. */}
            <div data-testid="projector-join">
              <p className="text-[clamp(1rem,2.4vmin,2rem)] font-semibold text-slate-700">Scan the QR code, or go to</p>
              <p className="whitespace-nowrap text-[clamp(1.75rem,6.5cqw,6rem)] font-black leading-tight tracking-tight text-brand-700">{reach.host}/join</p>
            </div>

            <p className="leading-none" data-testid="projector-count">
              {/* Keyed by the count, so each arrival plays the bump again. */}
              <span key={checkedIn} className={`inline-block origin-left text-[clamp(1.5rem,5cqw,4.5rem)] font-black tabular-nums ${checkedIn > 0 ? "motion-safe:animate-count-bump" : ""}`}>
                {checkedIn}
              </span>
              <span className="text-[clamp(1.1rem,3.5cqw,3rem)] font-bold text-slate-600 tabular-nums"> / {counts.total}</span>
              <span className="ml-[1.5vmin] text-[clamp(1rem,2.4vmin,2rem)] font-semibold text-slate-700">checked in</span>
            </p>
          </div>
        </main>
      ) : (
        <main className="flex flex-1 flex-col items-center justify-center gap-[4vmin] p-[4vmin] text-center">
          <p className="text-[clamp(2.5rem,10vmin,9rem)] font-black leading-none">{checkinClosed ? "Check-in closed" : "Attendance closed"}</p>
          <p className="text-[clamp(1.25rem,4vmin,3.5rem)] font-semibold text-slate-700 tabular-nums" data-testid="projector-count">
            {checkedIn} / {counts.total} checked in
          </p>
        </main>
      )}
    </div>
  );
}
