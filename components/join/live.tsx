"use client";

import { useEffect, useRef } from "react";
import type { RecordDto } from "@/lib/model/attendance";
import { useSocket, type ClientSocket } from "@/lib/realtime/client";

type LiveUpdatesProps = {
  sessionId: string;
  onRecord: (record: RecordDto) => void;
  onEnded: (endedAt: string) => void;
};

/**
 * After a check-in: keeps the result true while the student looks at it. The
 * teacher may change the mark (excused, late…) or end the session; on every
 * (re)connect the page asks for its record again rather than trust missed
 * events. Loaded lazily so socket.io stays out of /join's first load.
 */
export default function LiveUpdates({ sessionId, onRecord, onEnded }: LiveUpdatesProps) {
  const handlers = useRef({ onRecord, onEnded });
  useEffect(() => {
    handlers.current = { onRecord, onEnded };
  });

  const { socket, status } = useSocket((s: ClientSocket) => {
    s.emit("session:watch", { sessionId }, (reply) => {
      if (!reply.ok || reply.role !== "student") return;
      if (reply.me) handlers.current.onRecord(reply.me);
      if (reply.session.status === "ended" && reply.session.endedAt) handlers.current.onEnded(reply.session.endedAt);
    });
  });

  useEffect(() => {
    if (!socket) return;
    const marked = (p: { sessionId: string; record: RecordDto }) => {
      if (p.sessionId === sessionId) handlers.current.onRecord(p.record);
    };
    const ended = (p: { sessionId: string; endedAt: string }) => {
      if (p.sessionId === sessionId) handlers.current.onEnded(p.endedAt);
    };
    socket.on("attendance:marked", marked);
    socket.on("session:ended", ended);
    return () => {
      socket.off("attendance:marked", marked);
      socket.off("session:ended", ended);
      if (socket.connected) socket.emit("session:unwatch", { sessionId });
    };
  }, [socket, sessionId]);

  return (
    <p className="text-balance text-sm text-slate-600" data-live-status={status}>
      <span aria-hidden="true" className={`mr-2 inline-block h-2 w-2 rounded-full align-middle ${status === "connected" ? "bg-emerald-500" : "bg-amber-500"}`} />
      {status === "connected" ? "Live: if your teacher changes your mark, it shows here." : status === "connecting" ? "Connecting…" : "Reconnecting…"}
    </p>
  );
}
