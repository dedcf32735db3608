"use client";

import type { SessionDto } from "@/lib/model/attendance";
import { CountdownRing } from "./countdown-ring";
import { groupCode } from "./format";
import { QrCode } from "./qr-code";
import type { LiveCode } from "./use-live-session";
import type { PhoneReach } from "@/lib/model/site";
import { HttpsAdvice } from "./phone-reach";

/** The console's QR and 6-digit code, each with the ring of its own window. */
export function CodePanel({ code, session, reach }: { code: LiveCode | null; session: SessionDto; reach: PhoneReach }) {
  return (
    <section aria-labelledby="code-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="code-heading" className="sr-only">
        Check-in code
      </h2>
      {code ? (
        <>
          <QrCode value={code.url} label="QR code for students to check in" className="aspect-square w-full rounded-lg border border-slate-200 p-1" />
          <div className="mt-3 flex items-center gap-3 text-sm text-slate-600">
            <CountdownRing expiresAt={code.expiresAt} periodSeconds={session.rotationSeconds} offsetMs={code.offsetMs} size={36} stroke={11} label="New QR code in" />
            <span>QR changes every {session.rotationSeconds} s</span>
          </div>
          <div className="mt-4 border-t border-slate-100 pt-4">
            <p className="text-xs font-semibold uppercase tracking-wide text-slate-600">Code</p>
            <div className="mt-1 flex items-center justify-between gap-3">
              <p className="text-5xl font-extrabold tracking-wide text-slate-950 tabular-nums" data-testid="session-code">
                {groupCode(code.code)}
              </p>
              {code.codeExpiresAt ? (
                <CountdownRing expiresAt={code.codeExpiresAt} periodSeconds={session.codeRotationSeconds} offsetMs={code.offsetMs} size={52} stroke={10} label="New code in" />
              ) : null}
            </div>
            <p className="mt-1 text-sm text-slate-600">{code.codeExpiresAt ? `Changes every ${session.codeRotationSeconds} s` : "Fixed until you make a new one"}</p>
          </div>
          <p className="mt-4 rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700">
            Students scan the QR with their phone camera, or open <strong className="font-semibold text-slate-900">{reach.host}/join</strong> and type the code.
          </p>
          <HttpsAdvice reach={reach} />
        </>
      ) : (
        <div className="grid aspect-square w-full animate-pulse place-items-center rounded-lg bg-slate-100 text-sm text-slate-600">Loading code…</div>
      )}
    </section>
  );
}
