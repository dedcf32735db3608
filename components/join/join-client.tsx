"use client";

import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { Button, buttonClass } from "@/components/ui/button";
import { api, type ApiResult } from "@/lib/api/client";
import type { CheckinResult, ErrorDto, RecordDto } from "@/lib/model/attendance";
import { CodeEntry } from "./code-entry";
import { describeEnded, describeError, describeRecord, waitText, type Message, type NextStep, type Via } from "./messages";
import { ResultView } from "./result-view";
import { SessionTitle } from "@/components/session-title";
import { cameraUnavailable, Scanner } from "./scanner";
import { registerServiceWorker } from "./service-worker";

// Kept out of the first load: socket.io-client (with the live updates) is
// fetched and connected as soon as the page runs, since a signed-in phone
// checks in over it; the enrollment form only when the student turns out not
// to be enrolled.
type LiveModule = typeof import("./live");
let liveModule: Promise<LiveModule> | null = null;
const loadLive = () => (liveModule ??= import("./live"));
if (typeof window !== "undefined") void loadLive().then((m) => m.connect(), () => {});

const EnrollRequest = lazy(() => import("./enroll-request").then((m) => ({ default: m.EnrollRequest })));

type Input = { token: string } | { code: string };

/** Who this phone is signed in as, asked on the page's own socket (signed out: its handshake is refused). null while unknown or signed out. */
export function useSignedInName(): string | null {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let on = true;
    loadLive()
      .then((m) => m.whoAmI())
      .then((me) => {
        if (on && me) setName(me);
      })
      .catch(() => {});
    return () => {
      on = false;
    };
  }, []);
  return name;
}

/**
 * "Not you?": signs this browser out (the device and a held scan stay: they are other cookies) and opens sign-in,
 * which comes back here, to the deep link when there still is one.
 */
export async function switchAccount(): Promise<void> {
  const { signOut } = await import("next-auth/react");
  await signOut({ redirect: false });
  // A full page load: sign-in is the App Router's page, /join the Pages Router's.
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  window.location.assign(`/login?callbackUrl=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

type Phase =
  | { name: "ready"; focus: "scan" | "code" | null }
  | { name: "checking"; via: Via }
  | { name: "done"; result: CheckinResult; record: RecordDto; endedAt: string | null; joinedOn: string | null; key: number }
  | { name: "failed"; via: Via; input: Input; error: ErrorDto; retryUntil: number | null; key: number };

let resultCounter = 0;

function joinPath(input: Input | null): string {
  return input && "token" in input ? `/join?t=${encodeURIComponent(input.token)}` : "/join";
}

/** Once a result is shown, a reload must not replay the link (its token will have expired by then). */
function forgetLink() {
  if (window.location.search) window.history.replaceState(window.history.state, "", "/join");
}

function useSecondsLeft(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

/** Socket answers that only REST can act on: it sets the cookie that holds a QR scan (SPEC §3, scan then sign in or enroll). */
const HOLD_OVER_REST = new Set(["unauthenticated", "not_enrolled"]);

/**
 * One check-in: over the page's socket when it is connected (signed in), else
 * `POST /api/checkin`. A token whose scan REST holds for this browser keeps
 * going over REST: the socket's handshake predates that cookie.
 */
async function sendCheckin(input: Input, restOnly: Set<string>): Promise<ApiResult<CheckinResult> & { socketId?: string }> {
  const token = "token" in input ? input.token : null;
  if (token === null || !restOnly.has(token)) {
    const live = await loadLive().catch(() => null);
    const socket = live ? await live.connectedSocket() : null;
    if (live && socket) {
      const res = await live.checkInOverSocket(socket, input);
      if (res.ok || token === null || !HOLD_OVER_REST.has(res.error.code)) return res;
      restOnly.add(token);
    }
  }
  return api<CheckinResult>("/api/checkin", { body: input });
}

/** The check-in itself; `token` is the deep link's (`/join?t=…`), read from the address by the page. */
export function JoinClient({ token }: { token: string | null }) {
  const [phase, setPhase] = useState<Phase>(() => (token ? { name: "checking", via: "link" } : { name: "ready", focus: null }));
  const handledToken = useRef<string | null>(null);
  const restOnly = useRef(new Set<string>());
  const [live, setLive] = useState<LiveModule | null>(null);
  useEffect(() => {
    let on = true;
    loadLive().then((m) => on && setLive(m), () => {});
    return () => {
      on = false;
    };
  }, []);

  const checkIn = useCallback(async (input: Input, via: Via) => {
    setPhase({ name: "checking", via });
    const res = await sendCheckin(input, restOnly.current);
    if (res.ok) {
      forgetLink();
      setPhase({ name: "done", result: res.data, record: res.data.record, endedAt: null, joinedOn: res.socketId ?? null, key: ++resultCounter });
      return;
    }
    // A signed-out scan stays in the address bar: it is where sign-in brings the student back.
    if (res.error.code !== "unauthenticated" && res.error.code !== "network_error") forgetLink();
    const wait = res.retryAfter ?? (typeof res.error.retryAfterSeconds === "number" ? res.error.retryAfterSeconds : null);
    setPhase({
      name: "failed",
      via,
      input,
      error: res.error,
      retryUntil: res.error.code === "rate_limited" ? Date.now() + (wait ?? 60) * 1000 : null,
      key: ++resultCounter,
    });
  }, []);

  // The deep link from the phone's own camera app (or back from sign-in): check in at once.
  useEffect(() => {
    if (!token || handledToken.current === token) return;
    handledToken.current = token;
    void checkIn({ token }, "link");
  }, [token, checkIn]);

  // The service worker is set up once the page is idle: never in the way of the deep link's check-in.
  const busy = phase.name === "checking";
  useEffect(() => {
    if (!busy) registerServiceWorker();
  }, [busy]);

  const onRecord = useCallback((record: RecordDto) => {
    setPhase((p) => (p.name === "done" ? { ...p, record } : p));
  }, []);
  const onEnded = useCallback((endedAt: string) => {
    setPhase((p) => (p.name === "done" ? { ...p, endedAt } : p));
  }, []);

  const secondsLeft = useSecondsLeft(phase.name === "failed" ? phase.retryUntil : null);

  return (
    <div className="flex flex-col gap-6">
      {phase.name === "ready" ? (
        <>
          <Scanner onToken={(t) => void checkIn({ token: t }, "qr")} onUseCode={() => setPhase({ name: "ready", focus: "code" })} autoStart={phase.focus === "scan"} />
          {/* No "or" under a note that already says "or type the code below". */}
          {cameraUnavailable() ? null : (
            <div className="flex items-center gap-3 text-sm font-medium text-slate-600" aria-hidden="true">
              <span className="h-px flex-1 bg-slate-300" />
              or
              <span className="h-px flex-1 bg-slate-300" />
            </div>
          )}
          <CodeEntry onSubmit={(code) => void checkIn({ code }, "code")} autoFocus={phase.focus === "code"} />
        </>
      ) : null}

      {phase.name === "checking" ? (
        <div role="status" className="flex flex-col items-center gap-4 py-16 text-center">
          <span className="h-12 w-12 animate-spin rounded-full border-4 border-brand-100 border-t-brand-600" aria-hidden="true" />
          <p className="text-lg font-semibold text-slate-900">Checking you in…</p>
        </div>
      ) : null}

      {phase.name === "done" ? (
        <ResultView message={describeRecord(phase.record, phase.result.session, { alreadyCheckedIn: phase.result.alreadyCheckedIn })} resultKey={`done-${phase.key}`}>
          {/* Big enough for a teacher walking the aisle to read at a glance. */}
          <p className="text-lg font-semibold text-slate-900" data-testid="checked-in-name">
            {phase.record.studentName}
          </p>
          <p className="text-sm text-slate-600">
            <SessionTitle title={phase.result.session.title} startedAt={phase.result.session.startedAt} /> · {phase.result.session.courseName}
          </p>
          {phase.endedAt ? (
            <p role="status" className="rounded-lg bg-slate-100 px-4 py-3 text-sm text-slate-800">
              {describeEnded(phase.record)}
            </p>
          ) : live ? (
            <live.LiveUpdates sessionId={phase.result.session.id} joinedOn={phase.joinedOn} onRecord={onRecord} onEnded={onEnded} />
          ) : null}
          <Button variant="ghost" className="min-h-11 self-center" onClick={() => setPhase({ name: "ready", focus: null })}>
            Check in to another class
          </Button>
        </ResultView>
      ) : null}

      {phase.name === "failed" ? (
        <FailedResult
          phase={phase}
          secondsLeft={secondsLeft}
          onStep={(step) => {
            if (step === "retry") void checkIn(phase.input, phase.via);
            else if (step === "scan") setPhase({ name: "ready", focus: "scan" });
            else setPhase({ name: "ready", focus: step === "type_code" ? "code" : null });
          }}
        />
      ) : null}
    </div>
  );
}

const STEP_LABEL: Partial<Record<NextStep, string>> = {
  scan: "Scan again",
  type_code: "Type the code",
  retry: "Try again",
  start_over: "Back to check-in",
};

function FailedResult({
  phase,
  secondsLeft,
  onStep,
}: {
  phase: Extract<Phase, { name: "failed" }>;
  secondsLeft: number;
  onStep: (step: NextStep) => void;
}) {
  const waiting = phase.error.code === "rate_limited";
  let message: Message = describeError(phase.error, { via: phase.via, retryAfter: secondsLeft });
  if (waiting && secondsLeft === 0) message = { ...message, title: "You can try again now", body: "Type the code on the screen, or scan the QR code." };
  const steps: NextStep[] = waiting ? (secondsLeft === 0 ? (phase.via === "code" ? ["type_code", "scan"] : ["scan", "type_code"]) : []) : message.steps;
  const back = joinPath(phase.input);

  return (
    <ResultView message={message} resultKey={`failed-${phase.key}`} announce={!waiting}>
      {waiting && secondsLeft > 0 ? (
        <p className="font-mono text-4xl font-bold tabular-nums text-slate-900">
          <span aria-hidden="true">
            {Math.floor(secondsLeft / 60)}:{String(secondsLeft % 60).padStart(2, "0")}
          </span>
          <span className="sr-only">{waitText(secondsLeft)} left</span>
        </p>
      ) : null}
      {steps.map((step, i) => {
        const variant = step === "start_over" && i > 0 ? "ghost" : i === 0 ? "primary" : "secondary";
        const cls = buttonClass(variant, "lg", "min-h-14 w-full text-lg");
        if (step === "sign_in")
          return (
            // Plain links: sign-in is a full page load anyway, and next/link would cost /join 3 kB.
            <a key={step} href={`/login?callbackUrl=${encodeURIComponent(back)}`} className={cls}>
              Sign in
            </a>
          );
        if (step === "register")
          return (
            <a key={step} href={`/register?callbackUrl=${encodeURIComponent(back)}`} className={cls}>
              Create an account
            </a>
          );
        if (step === "enroll")
          return (
            // The placeholder holds the form's place so the buttons below do not jump when it arrives.
            <Suspense key={step} fallback={<div className="h-[5.5rem]" aria-hidden="true" />}>
              <EnrollRequest onApproved={() => onStep("retry")} />
            </Suspense>
          );
        const label = STEP_LABEL[step];
        if (!label) return null;
        return (
          <Button key={step} variant={variant} size="lg" className="min-h-14 w-full text-lg" onClick={() => onStep(step)}>
            {label}
          </Button>
        );
      })}
    </ResultView>
  );
}
