"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { cameraProblemFromError, describeCameraProblem, detectBrowser, type CameraProblem } from "./messages";
import { createDecoder, nextScanDelay, type DecoderKind, type FrameDecoder } from "./qr-decoder";
import { tokenFromScan } from "./scan-text";

/** How often a frame is decoded: quick enough to feel instant, slow enough to keep an old phone cool. */
const SCAN_INTERVAL_MS = 150;
/**
 * Ticks without any QR code before "that isn't a Rollcall code" goes away: the
 * jsQR decoder looks at a different part of the frame on each tick, so a
 * foreign code is seen only on some of them.
 */
const NOT_OURS_HOLD_TICKS = 6;

type State = { name: "idle" } | { name: "starting" } | { name: "scanning" } | { name: "problem"; problem: CameraProblem };

type ScannerProps = {
  /** A Rollcall join code was read; the camera is already off. */
  onToken: (token: string) => void;
  /** The student chose to type the code instead. */
  onUseCode: () => void;
  /** Start at once (the student just tapped "Scan again" on a result). */
  autoStart?: boolean;
};

function initialProblem(): CameraProblem | null {
  if (typeof window === "undefined") return null;
  if (!window.isSecureContext) return "insecure";
  if (!navigator.mediaDevices?.getUserMedia) return "unsupported";
  return null;
}

/** True when this page can never open the camera (plain HTTP, no camera API): the code field is then the only way in. */
export function cameraUnavailable(): boolean {
  return initialProblem() !== null;
}

async function openCamera(): Promise<MediaStream> {
  const constraints: MediaStreamConstraints = {
    audio: false,
    video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
  };
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (err) {
    // Some older Android browsers reject resolution hints outright: ask for any camera.
    if ((err as { name?: string })?.name === "OverconstrainedError") return navigator.mediaDevices.getUserMedia({ audio: false, video: true });
    throw err;
  }
}

export function Scanner({ onToken, onUseCode, autoStart = false }: ScannerProps) {
  const [state, setState] = useState<State>(() => {
    const problem = initialProblem();
    return problem ? { name: "problem", problem } : { name: "idle" };
  });
  const [decoderKind, setDecoderKind] = useState<DecoderKind | null>(null);
  const [notOurs, setNotOurs] = useState(false);
  const videoRef = useRef<HTMLVideoElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const timerRef = useRef<ReturnType<typeof setTimeout> | null>(null);
  const runRef = useRef(0);
  const onTokenRef = useRef(onToken);
  useEffect(() => {
    onTokenRef.current = onToken;
  });

  const stopCamera = useCallback(() => {
    runRef.current++;
    if (timerRef.current) clearTimeout(timerRef.current);
    timerRef.current = null;
    streamRef.current?.getTracks().forEach((t) => t.stop());
    streamRef.current = null;
    const video = videoRef.current;
    if (video) video.srcObject = null;
  }, []);

  const scanLoop = useCallback(
    (decoder: FrameDecoder, run: number) => {
      let missed = 0;
      const tick = async () => {
        if (run !== runRef.current) return;
        const video = videoRef.current;
        let decodeMs = 0;
        if (video && video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
          let texts: string[] = [];
          const began = performance.now();
          try {
            texts = await decoder.decode(video);
          } catch {
            texts = [];
          }
          decodeMs = performance.now() - began;
          if (run !== runRef.current) return;
          for (const text of texts) {
            const token = tokenFromScan(text);
            if (token) {
              stopCamera();
              setState({ name: "idle" });
              onTokenRef.current(token);
              return;
            }
          }
          missed = texts.length > 0 ? 0 : missed + 1;
          if (texts.length > 0) setNotOurs(true);
          else if (missed >= NOT_OURS_HOLD_TICKS) setNotOurs(false);
        }
        timerRef.current = setTimeout(tick, nextScanDelay(decodeMs, SCAN_INTERVAL_MS));
      };
      void tick();
    },
    [stopCamera],
  );

  const start = useCallback(async () => {
    const problem = initialProblem();
    if (problem) {
      setState({ name: "problem", problem });
      return;
    }
    stopCamera();
    const run = runRef.current;
    setState({ name: "starting" });
    setNotOurs(false);
    // The decoder loads while the student answers the permission prompt.
    const decoderPromise = createDecoder();
    decoderPromise.catch(() => {});
    try {
      const stream = await openCamera();
      if (run !== runRef.current) {
        stream.getTracks().forEach((t) => t.stop());
        return;
      }
      streamRef.current = stream;
      const video = videoRef.current!;
      video.srcObject = stream;
      // iOS Safari: an inline, muted video may play without a further gesture.
      await video.play().catch(() => {});
      const decoder = await decoderPromise;
      if (run !== runRef.current) return;
      setDecoderKind(decoder.kind);
      setState({ name: "scanning" });
      scanLoop(decoder, run);
    } catch (err) {
      if (run !== runRef.current) return;
      stopCamera();
      setState({ name: "problem", problem: cameraProblemFromError(err) });
    }
  }, [scanLoop, stopCamera]);

  const stop = useCallback(() => {
    stopCamera();
    setState({ name: "idle" });
  }, [stopCamera]);

  useEffect(() => {
    if (!autoStart) return;
    const t = setTimeout(() => void start(), 0);
    return () => clearTimeout(t);
  }, [autoStart, start]);

  useEffect(() => {
    // A phone that locks or switches apps freezes the camera (iOS kills it):
    // release it and let the student tap again when they are back.
    const onHide = () => {
      if (document.visibilityState === "hidden" && streamRef.current) {
        stopCamera();
        setState({ name: "idle" });
      }
    };
    document.addEventListener("visibilitychange", onHide);
    return () => {
      document.removeEventListener("visibilitychange", onHide);
      stopCamera();
    };
  }, [stopCamera]);

  const live = state.name === "scanning" || state.name === "starting";
  const problem = state.name === "problem" ? describeCameraProblem(state.problem, detectBrowser(typeof navigator === "undefined" ? "" : navigator.userAgent)) : null;

  // A camera this page can never use (plain HTTP, no camera API, no camera): one calm line above the code field,
  // which is the way in, not a camera-sized card pushing it down with a button of its own.
  if (state.name === "problem" && (state.problem === "insecure" || state.problem === "unsupported" || state.problem === "no_camera"))
    return (
      <section aria-labelledby="scan-heading" data-scanner-state={state.name}>
        <h2 id="scan-heading" className="sr-only">
          Scan the QR code
        </h2>
        <p className="rounded-xl bg-slate-100 px-4 py-3 text-base leading-relaxed text-slate-800" data-testid="camera-note">
          {problem!.body}
        </p>
      </section>
    );

  return (
    <section aria-labelledby="scan-heading" data-scanner-state={state.name} data-decoder={decoderKind ?? undefined}>
      <h2 id="scan-heading" className="sr-only">
        Scan the QR code
      </h2>
      <div className={`relative mx-auto aspect-square w-full max-w-sm overflow-hidden rounded-2xl ${problem ? "bg-slate-50" : "bg-slate-900"}`}>
        <video
          ref={videoRef}
          className={`h-full w-full object-cover ${live ? "" : "hidden"}`}
          playsInline
          muted
          autoPlay
          disablePictureInPicture
          aria-label="Camera view"
        />
        {live ? <Viewfinder starting={state.name === "starting"} /> : null}
        {state.name === "idle" ? (
          <div className="absolute inset-0 flex flex-col items-center justify-center gap-5 bg-gradient-to-b from-brand-700 to-brand-600 p-6 text-center text-white">
            <QrGlyph />
            <p className="max-w-[16rem] text-base text-white">Point your phone at the QR code on the classroom screen.</p>
            <Button size="lg" variant="secondary" className="min-h-14 w-full max-w-[16rem] text-lg" onClick={() => void start()}>
              <CameraIcon />
              Scan QR code
            </Button>
          </div>
        ) : null}
        {problem ? (
          <div role="alert" className="absolute inset-0 flex flex-col justify-center gap-3 overflow-y-auto bg-slate-50 p-5 text-left">
            <p className="text-lg font-semibold text-slate-900">{problem.title}</p>
            <p className="text-sm leading-relaxed text-slate-700">{problem.body}</p>
            <div className="mt-1 flex flex-wrap gap-2">
              <Button size="lg" className="min-h-12" onClick={onUseCode}>
                Type the code
              </Button>
              {problem.steps.includes("scan") ? (
                <Button size="lg" variant="secondary" className="min-h-12" onClick={() => void start()}>
                  Try the camera again
                </Button>
              ) : null}
            </div>
          </div>
        ) : null}
      </div>
      {live ? (
        <div className="mx-auto mt-3 flex max-w-sm items-center justify-between gap-3">
          <p className="text-sm text-slate-700" aria-live="polite">
            {state.name === "starting" ? "Starting the camera…" : notOurs ? "That QR code isn't a Rollcall code. Aim at the one on the screen." : "Looking for the QR code…"}
          </p>
          <Button variant="secondary" className="min-h-11 shrink-0" onClick={stop}>
            Stop
          </Button>
        </div>
      ) : null}
    </section>
  );
}

function Viewfinder({ starting }: { starting: boolean }) {
  const corner = "absolute h-10 w-10 border-white";
  return (
    <div className="pointer-events-none absolute inset-0 flex items-center justify-center" aria-hidden="true">
      <div className="relative h-[72%] w-[72%] rounded-xl shadow-[0_0_0_999px_rgba(15,23,42,0.45)]">
        <span className={`${corner} left-0 top-0 rounded-tl-xl border-l-4 border-t-4`} />
        <span className={`${corner} right-0 top-0 rounded-tr-xl border-r-4 border-t-4`} />
        <span className={`${corner} bottom-0 left-0 rounded-bl-xl border-b-4 border-l-4`} />
        <span className={`${corner} bottom-0 right-0 rounded-br-xl border-b-4 border-r-4`} />
        {starting ? null : <span className="absolute inset-x-3 top-1/2 h-0.5 bg-brand-100/90 motion-safe:animate-pulse" />}
      </div>
    </div>
  );
}

function CameraIcon() {
  return (
    <svg viewBox="0 0 24 24" className="h-6 w-6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M14.5 4h-5L7 7H4a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V9a2 2 0 0 0-2-2h-3l-2.5-3z" />
      <circle cx="12" cy="13" r="3.5" />
    </svg>
  );
}

function QrGlyph() {
  return (
    <svg viewBox="0 0 48 48" className="h-20 w-20 text-white/90" fill="currentColor" aria-hidden="true">
      <path d="M4 4h14v14H4zm4 4v6h6V8zM30 4h14v14H30zm4 4v6h6V8zM4 30h14v14H4zm4 4v6h6v-6zM22 4h4v4h-4zm0 8h4v6h-4zm8 18h4v4h-4zm8 0h6v4h-6zm-8 8h4v6h-4zm8 0h6v6h-6zm-16-16h6v4h-6zm8 0h4v4h-4zm8 0h6v4h-6zm-16 8h4v10h-4z" />
    </svg>
  );
}
