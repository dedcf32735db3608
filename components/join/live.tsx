"use client";

import { useEffect, useRef } from "react";
import type { ApiResult } from "@/lib/api/client";
import type { CheckinResult, RecordDto } from "@/lib/model/attendance";
import { getSocket, useSocket, type ClientSocket } from "@/lib/realtime/client";

/**
 * The page's live connection, loaded lazily so socket.io stays out of /join's
 * first load, but started as soon as the page runs: a signed-in phone checks
 * in over the socket it keeps open anyway for live updates, so a visit is one
 * page load and one connection. A signed-out phone's handshake is refused; it
 * checks in over REST, which holds its scan in a cookie (SPEC §3).
 */

/** A check-in whose ack has not come back by then is answered "no connection" (the page offers to retry; a retry is idempotent). */
const ACK_TIMEOUT_MS = 15_000;

type Outcome = "connected" | "refused";
let first: Promise<Outcome> | null = null;

/** Opens the page's socket (once) and tells how its first handshake went. */
export function connect(): Promise<Outcome> {
  if (!first) {
    const socket = getSocket();
    first = new Promise<Outcome>((resolve) => {
      if (socket.connected) return resolve("connected");
      socket.once("connect", () => resolve("connected"));
      // Refused (signed out) or unreachable within the client's connection timeout: the page falls back to REST.
      socket.once("connect_error", () => resolve("refused"));
    });
  }
  return first;
}

/**
 * How long a check-in waits for the first handshake before going over REST:
 * a network that swallows websockets without refusing them must not keep
 * the student waiting for the client's whole connection timeout.
 */
const HANDSHAKE_WAIT_MS = 4_000;

/** The socket when it is connected now (after waiting a little for the first handshake), else null: check in over REST then. */
export async function connectedSocket(): Promise<ClientSocket | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([connect(), new Promise((resolve) => (timer = setTimeout(resolve, HANDSHAKE_WAIT_MS)))]);
  clearTimeout(timer);
  const socket = getSocket();
  return socket.connected ? socket : null;
}

/** The signed-in person's name, over the page's socket; null when signed out or when the socket cannot say. */
export async function whoAmI(): Promise<string | null> {
  if ((await connect()) !== "connected") return null;
  try {
    const reply = await getSocket().timeout(ACK_TIMEOUT_MS).emitWithAck("user:me", {});
    return reply.ok ? reply.user.name : null;
  } catch {
    return null;
  }
}

/** `attendance:checkin` on the socket, answered in the shape of `api()` so the page treats both channels alike. */
export async function checkInOverSocket(socket: ClientSocket, input: { token: string } | { code: string }): Promise<ApiResult<CheckinResult> & { socketId?: string }> {
  const socketId = socket.id;
  try {
    // `presence`: this page has the session open from now on (SPEC §9 counts /join pages), as its watch would say.
    const reply = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("attendance:checkin", { ...input, presence: true });
    if (reply.ok) {
      const data: CheckinResult = { record: reply.record, session: reply.session, alreadyCheckedIn: reply.alreadyCheckedIn };
      return { ok: true, status: data.alreadyCheckedIn ? 200 : 201, data, socketId };
    }
    return { ok: false, status: 0, error: reply.error };
  } catch {
    return { ok: false, status: 0, error: { code: "network_error", message: "No connection. Check your Wi-Fi and try again." } };
  }
}

type LiveUpdatesProps = {
  sessionId: string;
  /** The socket connection the check-in was acknowledged on: the server already put it in the session's room. */
  joinedOn: string | null;
  onRecord: (record: RecordDto) => void;
  onEnded: (endedAt: string) => void;
};

/**
 * After a check-in: keeps the result true while the student looks at it. The
 * teacher may change the mark (excused, late…) or end the session; after
 * every reconnect the page asks for its record again rather than trust missed
 * events (the connection it checked in on is already watching).
 */
export function LiveUpdates({ sessionId, joinedOn, onRecord, onEnded }: LiveUpdatesProps) {
  const handlers = useRef({ onRecord, onEnded });
  useEffect(() => {
    handlers.current = { onRecord, onEnded };
  });

  const { socket, status } = useSocket((s: ClientSocket) => {
    if (joinedOn !== null && s.id === joinedOn) return;
    s.emit("session:watch", { sessionId, presence: true }, (reply) => {
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
