"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import type { ServerToClientEvents } from "@/lib/realtime/events";
import { useSocket } from "@/lib/realtime/client";

type EventName = keyof ServerToClientEvents;

/**
 * Re-renders a server-rendered page when something it shows changes: on the
 * given socket events, and after a reconnect (events may have been missed).
 * With `courseIds`, staff also join those courses' rooms for enrollment events.
 */
export function LiveRefresh({ events, courseIds = [] }: { events: EventName[]; courseIds?: string[] }) {
  const router = useRouter();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const connectedBefore = useRef(false);

  const refreshSoon = useRef(() => {});
  useEffect(() => {
    refreshSoon.current = () => {
      if (timer.current) clearTimeout(timer.current);
      // A burst of events (a class enrolling at once) becomes one refresh.
      timer.current = setTimeout(() => router.refresh(), 300);
    };
  }, [router]);

  const courses = useRef(courseIds);
  useEffect(() => {
    courses.current = courseIds;
  });

  const { socket } = useSocket((s) => {
    for (const courseId of courses.current) s.emit("course:watch", { courseId }, () => {});
    if (connectedBefore.current) refreshSoon.current();
    connectedBefore.current = true;
  });

  // A course created after the socket connected is watched from now on (joining twice is harmless).
  const courseKey = courseIds.join(",");
  useEffect(() => {
    if (!socket?.connected) return;
    for (const courseId of courseKey.split(",").filter(Boolean)) socket.emit("course:watch", { courseId }, () => {});
  }, [socket, courseKey]);

  const key = events.join(",");
  useEffect(() => {
    if (!socket) return;
    const names = key.split(",").filter(Boolean) as EventName[];
    const onEvent = () => refreshSoon.current();
    for (const name of names) socket.on(name, onEvent);
    return () => {
      for (const name of names) socket.off(name, onEvent);
      if (timer.current) clearTimeout(timer.current);
    };
  }, [socket, key]);

  return null;
}
