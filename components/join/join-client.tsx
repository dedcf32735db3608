"use client";

import dynamic from "next/dynamic";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { Button, buttonClass } from "@/components/ui/button";
import { api } from "@/lib/api/client";
import type { CheckinResult, ErrorDto, RecordDto } from "@/lib/model/attendance";
import { CodeEntry } from "./code-entry";
import { describeEnded, describeError, describeRecord, waitText, type Message, type NextStep, type Via } from "./messages";
import { ResultView } from "./result-view";
import { Scanner } from "./scanner";

// Kept out of the first load: socket.io-client is only needed once a student
// is checked in, the enrollment form only when they turn out not to be enrolled.
const LiveUpdates = dynamic(() => import("./live-updates"), { ssr: false });
const EnrollRequest = dynamic(() => import("./enroll-request").then((m) => m.EnrollRequest), {
  ssr: false,
  // Holds the form's place so the buttons below do not jump when it arrives.
  loading: () => <div className="h-[5.5rem]" aria-hidden="true" />,
});

type Input = { token: string } | { code: string };

type Phase =
  | { name: "ready"; focus: "scan" | "code" | null }
  | { name: "checking"; via: Via }
  | { name: "done"; result: CheckinResult; record: RecordDto; endedAt: string | null; key: number }
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

export function JoinClient() {
  const token = useSearchParams().get("t");
  const [phase, setPhase] = useState<Phase>(() => (token ? { name: "checking", via: "link" } : { name: "ready", focus: null }));
  const handledToken = useRef<string | null>(null);

  const checkIn = useCallback(async (input: Input, via: Via) => {
    setPhase({ name: "checking", via });
    const res = await api<CheckinResult>("/api/checkin", { body: input });
    if (res.ok) {
      forgetLink();
      setPhase({ name: "done", result: res.data, record: res.data.record, endedAt: null, key: ++resultCounter });
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
          <div className="flex items-center gap-3 text-sm font-medium text-slate-600" aria-hidden="true">
            <span className="h-px flex-1 bg-slate-300" />
            or
            <span className="h-px flex-1 bg-slate-300" />
          </div>
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
          <p className="text-sm text-slate-600">{[phase.result.session.title, phase.result.session.courseName].filter(Boolean).join(" · ")}</p>
          {phase.endedAt ? (
            <p role="status" className="rounded-lg bg-slate-100 px-4 py-3 text-sm text-slate-800">
              {describeEnded(phase.record)}
            </p>
          ) : (
            <LiveUpdates sessionId={phase.result.session.id} onRecord={onRecord} onEnded={onEnded} />
          )}
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
        if (step === "enroll") return <EnrollRequest key={step} onApproved={() => onStep("retry")} />;
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
