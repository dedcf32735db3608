"use client";

import { useEffect } from "react";
import { LocalTime } from "@/components/local-time";
import { STATUS_LABEL } from "@/components/session/format";
import type { AuditEventDto } from "@/lib/model/records";
import type { AttendanceStatus } from "@/lib/model/vocabulary";
import { useSocket } from "@/lib/realtime/client";
import type { ServerToClientEvents } from "@/lib/realtime/events";
import { useRefetched } from "./use-course-live";

const word = (v: string | null) => (v && v in STATUS_LABEL ? STATUS_LABEL[v as AttendanceStatus] : v);

/** One event as a sentence's parts: what happened, to whom, from → to. */
export function describe(e: AuditEventDto): { what: string; change: string | null } {
  switch (e.action) {
    case "start":
      return { what: "Started the session", change: null };
    case "end":
      return { what: "Ended the session", change: null };
    case "regenerate_code":
      return { what: "Made a new code (the old one stopped working)", change: null };
    case "checkin":
      return { what: `${e.studentName ?? "A student"} checked in`, change: word(e.to) };
    case "auto_absent":
      return { what: `${e.studentName ?? "A student"} had not checked in at the end`, change: word(e.to) };
    case "checkin_flagged":
      return { what: `${e.studentName ?? "A student"} was refused: this device had checked in ${e.otherStudent?.name ?? "another student"}`, change: null };
    case "mark":
      return { what: `Marked ${e.studentName ?? "a student"}`, change: e.from ? `${word(e.from)} → ${word(e.to) ?? STATUS_LABEL.unmarked}` : word(e.to) };
    default:
      return { what: e.action, change: e.from || e.to ? `${word(e.from) ?? "—"} → ${word(e.to) ?? "—"}` : null };
  }
}

/**
 * Who changed what in a session, when, from → to (SPEC §12 review page),
 * oldest first as the server gives it. Fetched again when a mark changes.
 */
export function AuditTrail({ sessionId, initial }: { sessionId: string; initial: AuditEventDto[] | null }) {
  const { data, refetch, error } = useRefetched<{ events: AuditEventDto[] | null }>(`/api/sessions/${encodeURIComponent(sessionId)}/audit`, { events: initial }, 1000);
  const { socket } = useSocket();
  useEffect(() => {
    if (data.events === null) refetch();
  }, [data.events, refetch]);
  useEffect(() => {
    if (!socket) return;
    const onChange = (p: { sessionId: string }) => {
      if (p.sessionId === sessionId) refetch();
    };
    const onFlag: ServerToClientEvents["attendance:flagged"] = (p) => {
      if (p.sessionId === sessionId) refetch();
    };
    const onConnect = () => refetch();
    socket.on("attendance:marked", onChange);
    socket.on("attendance:unmarked", onChange);
    socket.on("attendance:flagged", onFlag);
    socket.on("connect", onConnect);
    return () => {
      socket.off("attendance:marked", onChange);
      socket.off("attendance:unmarked", onChange);
      socket.off("attendance:flagged", onFlag);
      socket.off("connect", onConnect);
    };
  }, [socket, sessionId, refetch]);

  const events = data.events;
  return (
    <section aria-labelledby="audit-heading" className="rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="audit-trail">
      <div className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-200 px-4 py-3">
        <h2 id="audit-heading" className="font-semibold text-slate-950">
          Audit trail
        </h2>
        <p className="text-sm text-slate-600">Every change to this session, oldest first</p>
      </div>
      {error ? (
        <p role="status" className="px-4 pt-3 text-sm text-amber-900">
          Could not refresh: {error}
        </p>
      ) : null}
      {events === null ? (
        <p className="px-4 py-6 text-sm text-slate-600">Loading…</p>
      ) : (
        <div className="max-h-[28rem] overflow-auto" role="region" aria-label="Audit trail entries" tabIndex={0}>
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Audit trail: when, who, what, the change and the note</caption>
            <thead className="sticky top-0 bg-slate-50 text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  When
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Who
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  What
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Note
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {events.map((e) => {
                const d = describe(e);
                return (
                  <tr key={e.id} data-action={e.action}>
                    <td className="whitespace-nowrap px-4 py-2 align-top text-slate-700">
                      <LocalTime iso={e.at} />
                    </td>
                    <td className="px-3 py-2 align-top">{e.actor?.name ?? "—"}</td>
                    <td className="px-3 py-2 align-top">
                      {d.what}
                      {d.change ? <span className="ml-1 font-semibold">{d.change}</span> : null}
                    </td>
                    <td className="px-4 py-2 align-top text-slate-700">{e.note ?? ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
