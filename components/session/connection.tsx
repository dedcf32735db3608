"use client";

import type { SocketStatus } from "@/lib/realtime/client";

const BADGE: Record<SocketStatus, { text: string; dot: string; tone: string }> = {
  connected: { text: "Live", dot: "bg-emerald-500", tone: "bg-emerald-50 text-emerald-800 ring-emerald-600/20" },
  connecting: { text: "Connecting…", dot: "bg-slate-400", tone: "bg-slate-100 text-slate-700 ring-slate-500/20" },
  reconnecting: { text: "Reconnecting…", dot: "bg-amber-500", tone: "bg-amber-50 text-amber-900 ring-amber-600/25" },
  offline: { text: "Offline", dot: "bg-red-500", tone: "bg-red-50 text-red-800 ring-red-600/20" },
};

export function ConnectionBadge({ status }: { status: SocketStatus }) {
  const b = BADGE[status];
  return (
    <span className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-sm font-semibold ring-1 ring-inset ${b.tone}`} data-connection={status}>
      <span className={`size-2 rounded-full ${b.dot} ${status === "connected" ? "motion-safe:animate-pulse" : ""}`} aria-hidden="true" />
      {b.text}
    </span>
  );
}

/** Shown while the live connection is down; the roster is refetched in full when it comes back. */
export function ReconnectBanner({ status }: { status: SocketStatus }) {
  if (status !== "reconnecting" && status !== "offline") return null;
  return (
    <div role="status" className="sticky top-0 z-20 border-b border-amber-300 bg-amber-100 px-4 py-2 text-center text-sm font-medium text-amber-950">
      {status === "offline"
        ? "You are offline. Check-ins are still being recorded on the server; this page catches up when the connection is back."
        : "Connection lost — reconnecting… Check-ins are still being recorded; the roster refreshes as soon as the connection is back."}
    </div>
  );
}
