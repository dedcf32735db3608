"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "@/lib/api/client";
import type { CodeDto, Counts, ErrorDto, FlaggedDto, RecordDto, SessionDto } from "@/lib/model/attendance";
import { useSocket, type ClientSocket, type SocketStatus } from "@/lib/realtime/client";
import type { StaffSessionView } from "@/lib/model/attendance";
import type { ServerToClientEvents } from "@/lib/realtime/events";
import { createFlushScheduler, createRosterStore, type RosterSnapshot } from "./roster-store";

/** A code with the offset to the server clock measured when it arrived. */
export type LiveCode = CodeDto & { offsetMs: number };

export type LiveSession = {
  status: SocketStatus;
  session: SessionDto;
  code: LiveCode | null;
  roster: RosterSnapshot;
  flagged: FlaggedDto[];
  /** Distinct students with /join open on this session (SPEC §9 `session:presence`); null until the server says. */
  connected: number | null;
  /** The last watch refusal (e.g. access revoked), null while all is well. */
  watchError: ErrorDto | null;
  /** A REST reply (PATCH mark) — applied like an event; the server's later events still win. */
  applyRecord(record: RecordDto, counts: Counts): void;
  /** A code from a REST reply (regenerate). */
  applyCode(code: CodeDto): void;
  applyEnded(session: SessionDto, counts: Counts): void;
};

const MAX_FLAGGED = 200;
/** How long past its expiry a code may stay up before we fetch one ourselves (the push may have been missed). */
const STALE_CODE_GRACE_MS = 1500;

const withOffset = (code: CodeDto): LiveCode => ({ ...code, offsetMs: Date.parse(code.serverTime) - Date.now() });

/**
 * The live state of one session for its staff: the console and the projector.
 * Every (re)connect, and every return to a visible tab, asks `session:watch`
 * for the whole picture from the database; events in between only patch it.
 */
export function useLiveSession(initial: StaffSessionView): LiveSession {
  const sessionId = initial.session.id;
  const [store] = useState(() => createRosterStore({ roster: initial.roster, counts: initial.counts }));
  const [roster, setRoster] = useState(() => store.getSnapshot());
  const [session, setSession] = useState(initial.session);
  const [code, setCode] = useState<LiveCode | null>(() => (initial.code ? withOffset(initial.code) : null));
  const [flagged, setFlagged] = useState(initial.flagged);
  const [watchError, setWatchError] = useState<ErrorDto | null>(null);
  const [connected, setConnected] = useState<number | null>(null);

  const [scheduler] = useState(() =>
    createFlushScheduler(
      () => {
        if (store.flush()) setRoster(store.getSnapshot());
      },
      {
        requestFrame: (cb) => requestAnimationFrame(cb),
        cancelFrame: (id) => cancelAnimationFrame(id),
        setTimer: (cb, ms) => setTimeout(cb, ms),
        clearTimer: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
      },
    ),
  );

  /** Newer server time wins, so a slow reply never puts back a code that was replaced. */
  const receiveCode = useCallback((next: CodeDto, force = false) => {
    setCode((current) => (force || !current || Date.parse(next.serverTime) >= Date.parse(current.serverTime) ? withOffset(next) : current));
  }, []);

  const watch = useCallback(
    (socket: ClientSocket) => {
      socket.emit("session:watch", { sessionId }, (reply) => {
        if (!reply.ok) {
          setWatchError(reply.error);
          return;
        }
        if (reply.role === "student") return;
        setWatchError(null);
        store.reset(reply.roster, reply.counts);
        scheduler.schedule();
        setSession(reply.session);
        if (reply.code) receiveCode(reply.code, true);
        else setCode(null);
        setFlagged(reply.flagged);
        if (typeof reply.connected === "number") setConnected(reply.connected);
      });
    },
    [sessionId, store, scheduler, receiveCode],
  );

  const { socket, status } = useSocket(watch);
  const statusRef = useRef(status);
  useEffect(() => {
    statusRef.current = status;
  }, [status]);

  useEffect(() => {
    if (!socket) return;
    const onCode: ServerToClientEvents["session:code"] = ({ sessionId: id, ...next }) => {
      if (id === sessionId) receiveCode(next);
    };
    const onMarked: ServerToClientEvents["attendance:marked"] = (p) => {
      if (p.sessionId !== sessionId) return;
      store.push(p.record, p.counts);
      scheduler.schedule();
    };
    const onUnmarked: ServerToClientEvents["attendance:unmarked"] = (p) => {
      if (p.sessionId !== sessionId) return;
      store.unmark(p.studentId, p.at, p.counts);
      scheduler.schedule();
    };
    const onFlagged: ServerToClientEvents["attendance:flagged"] = (p) => {
      if (p.sessionId !== sessionId) return;
      setFlagged((list) => [p, ...list].slice(0, MAX_FLAGGED));
      if (p.otherStudentId) {
        store.flag(p.otherStudentId);
        scheduler.schedule();
      }
    };
    const onEnded: ServerToClientEvents["session:ended"] = (p) => {
      if (p.sessionId !== sessionId) return;
      setSession((s) => ({ ...s, status: "ended", endedAt: p.endedAt }));
      setCode(null);
      store.pushCounts(p.counts);
      scheduler.schedule();
      // Ending marks everyone left absent without an event per student: fetch the final roster.
      watch(socket);
    };
    const onPresence: ServerToClientEvents["session:presence"] = (p) => {
      if (p.sessionId === sessionId) setConnected(p.connected);
    };
    socket.on("session:presence", onPresence);
    socket.on("session:code", onCode);
    socket.on("attendance:marked", onMarked);
    socket.on("attendance:unmarked", onUnmarked);
    socket.on("attendance:flagged", onFlagged);
    socket.on("session:ended", onEnded);
    return () => {
      socket.off("session:presence", onPresence);
      socket.off("session:code", onCode);
      socket.off("attendance:marked", onMarked);
      socket.off("attendance:unmarked", onUnmarked);
      socket.off("attendance:flagged", onFlagged);
      socket.off("session:ended", onEnded);
      socket.emit("session:unwatch", { sessionId });
      scheduler.cancel();
    };
  }, [socket, sessionId, store, scheduler, receiveCode, watch]);

  // A laptop that slept may hold a socket that still believes it is connected:
  // coming back into view always resyncs (useSocket reconnects dead sockets).
  useEffect(() => {
    if (!socket) return;
    const onVisible = () => {
      if (document.visibilityState === "visible" && socket.connected) watch(socket);
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [socket, watch]);

  // Rotation is pushed by the server; if a push was missed (socket down, tab
  // asleep) and the code on screen has expired, fetch the current one.
  const active = session.status === "active";
  const codeRef = useRef(code);
  useEffect(() => {
    codeRef.current = code;
  }, [code]);
  useEffect(() => {
    if (!active) return;
    let fetching = false;
    const check = async () => {
      const c = codeRef.current;
      const serverNow = Date.now() + (c?.offsetMs ?? 0);
      if (fetching || (c && serverNow < Date.parse(c.expiresAt) + STALE_CODE_GRACE_MS)) return;
      fetching = true;
      const res = await api<CodeDto>(`/api/sessions/${encodeURIComponent(sessionId)}/code`);
      fetching = false;
      if (res.ok) receiveCode(res.data);
      else if (res.error.code === "session_ended" && socket?.connected) watch(socket);
    };
    const timer = setInterval(() => void check(), 1000);
    return () => clearInterval(timer);
  }, [active, sessionId, receiveCode, socket, watch]);

  const applyRecord = useCallback(
    (record: RecordDto, counts: Counts) => {
      // Counts follow the socket's ordered stream; a reply's counts are only
      // trusted when no stream is running to correct them.
      store.push(record, statusRef.current === "connected" ? undefined : counts);
      scheduler.schedule();
    },
    [store, scheduler],
  );

  const applyEnded = useCallback(
    (ended: SessionDto, counts: Counts) => {
      setSession(ended);
      setCode(null);
      store.pushCounts(counts);
      scheduler.schedule();
      if (socket?.connected) watch(socket);
    },
    [store, scheduler, socket, watch],
  );

  const applyCode = useCallback((next: CodeDto) => receiveCode(next, true), [receiveCode]);

  return { status, session, code, roster, flagged, connected, watchError, applyRecord, applyCode, applyEnded };
}
