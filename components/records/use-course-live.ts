"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "@/lib/api/client";
import { useSocket } from "@/lib/realtime/client";
import type { ServerToClientEvents } from "@/lib/realtime/events";
import { throttled } from "./throttle";

/** A change in the course, as a records page needs to know it. */
export type CourseChange =
  | { type: "session:started"; sessionId: string }
  | { type: "session:ended"; sessionId: string }
  | { type: "attendance:marked"; sessionId: string; studentId: string }
  /** Settings (late credit, threshold, time zone), the roster or staff changed: figures may differ. */
  | { type: "course:updated" }
  | { type: "reconnected" };

/**
 * Staff pages of a course hear its sessions start and end and every mark as
 * it happens (`course:watch`, SPEC §9). Asks again on every reconnect, and
 * reports the reconnect: events may have been missed meanwhile.
 */
export function useCourseChanges(courseId: string, onChange: (c: CourseChange) => void): void {
  const handler = useRef(onChange);
  useEffect(() => {
    handler.current = onChange;
  });
  const connectedBefore = useRef(false);
  const { socket } = useSocket((s) => {
    s.emit("course:watch", { courseId }, () => {});
    if (connectedBefore.current) handler.current({ type: "reconnected" });
    connectedBefore.current = true;
  });

  useEffect(() => {
    if (!socket) return;
    const started: ServerToClientEvents["session:started"] = (p) => {
      if (p.courseId === courseId) handler.current({ type: "session:started", sessionId: p.session.id });
    };
    const ended: ServerToClientEvents["session:ended"] = (p) => handler.current({ type: "session:ended", sessionId: p.sessionId });
    const marked: ServerToClientEvents["attendance:marked"] = (p) =>
      handler.current({ type: "attendance:marked", sessionId: p.sessionId, studentId: p.record.studentId });
    // A mark taken back (undo of "mark remaining") changes the same figures as a mark.
    const unmarked: ServerToClientEvents["attendance:unmarked"] = (p) =>
      handler.current({ type: "attendance:marked", sessionId: p.sessionId, studentId: p.studentId });
    const updated: ServerToClientEvents["course:updated"] = (p) => {
      if (p.courseId === courseId) handler.current({ type: "course:updated" });
    };
    // An approval, a drop or an import changes who is in the report.
    const enrollment: ServerToClientEvents["enrollment:updated"] = (p) => {
      if (p.courseId === courseId) handler.current({ type: "course:updated" });
    };
    socket.on("session:started", started);
    socket.on("session:ended", ended);
    socket.on("attendance:marked", marked);
    socket.on("attendance:unmarked", unmarked);
    socket.on("course:updated", updated);
    socket.on("enrollment:updated", enrollment);
    return () => {
      socket.off("session:started", started);
      socket.off("session:ended", ended);
      socket.off("attendance:marked", marked);
      socket.off("attendance:unmarked", unmarked);
      socket.off("course:updated", updated);
      socket.off("enrollment:updated", enrollment);
    };
  }, [socket, courseId]);
}

/**
 * Server data a page shows, fetched again when asked, at most once per
 * `minGapMs` (lib: ./throttle.ts): a lecture hall checking in at once costs
 * one fetch a gap, and the last change is never left out. The figures always
 * come from the server, so the page and the exports never disagree.
 */
export function useRefetched<T>(url: string, initial: T, minGapMs: number): { data: T; setData: (d: T) => void; refetch: () => void; error: string | null } {
  const [data, setData] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const urlRef = useRef(url);
  useEffect(() => {
    urlRef.current = url;
  });
  const refetcher = useRef<ReturnType<typeof throttled> | null>(null);
  useEffect(() => {
    const r = throttled(async () => {
      const res = await api<T>(urlRef.current);
      if (res.ok) {
        setData(res.data);
        setError(null);
      } else setError(res.error.message);
    }, minGapMs);
    refetcher.current = r;
    return () => r.cancel();
  }, [minGapMs]);
  const refetch = useCallback(() => refetcher.current?.request(), []);
  return { data, setData, refetch, error };
}
