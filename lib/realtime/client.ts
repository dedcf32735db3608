"use client";

import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type SocketStatus = "connecting" | "connected" | "reconnecting" | "offline";

let shared: ClientSocket | null = null;

/** One socket per page, authenticated by the session cookie; reconnects by itself with backoff. */
export function getSocket(): ClientSocket {
  if (!shared) {
    shared = io({
      path: "/socket.io",
      withCredentials: true,
      transports: ["websocket", "polling"],
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      randomizationFactor: 0.5,
      // A handshake that stalls silently on busy Wi-Fi is retried after 8 s, not the default 20 s.
      timeout: 8000,
    });
    retryRefusedHandshakes(shared);
  }
  return shared;
}

/**
 * Socket.IO never retries a handshake the server refused; for `unauthorized`
 * (signed out) that is right. Any other refusal is the server's trouble or a
 * throttle (`internal_error`, `rate_limited`): ask again after the wait it
 * names, or a few seconds, spread so a hall's phones do not return at once.
 */
export function retryRefusedHandshakes(socket: Pick<ClientSocket, "on" | "connect" | "active" | "connected">, random: () => number = Math.random): void {
  socket.on("connect_error", (err: Error & { data?: { retryAfterSeconds?: unknown } }) => {
    if (socket.active || err.message === "unauthorized") return;
    const named = err.data?.retryAfterSeconds;
    const ms = (typeof named === "number" && named > 0 ? named * 1000 : 2000) * (1 + random());
    setTimeout(() => {
      if (!socket.active && !socket.connected) socket.connect();
    }, ms);
  });
}

/**
 * Connection status for banners, and `onConnect` run on every (re)connect: a
 * console re-asks for the whole state then instead of trusting missed events.
 */
export function useSocket(onConnect?: (socket: ClientSocket) => void): { socket: ClientSocket | null; status: SocketStatus } {
  // Created on the client only; server rendering never opens a socket.
  const [socket] = useState<ClientSocket | null>(() => (typeof window === "undefined" ? null : getSocket()));
  const [status, setStatus] = useState<SocketStatus>("connecting");
  const onConnectRef = useRef(onConnect);
  useEffect(() => {
    onConnectRef.current = onConnect;
  });

  useEffect(() => {
    const s = getSocket();
    const connected = () => {
      setStatus("connected");
      onConnectRef.current?.(s);
    };
    const lost = () => setStatus(navigator.onLine ? "reconnecting" : "offline");
    s.on("connect", connected);
    s.on("disconnect", lost);
    s.on("connect_error", lost);
    if (s.connected) connected();
    // A laptop waking from sleep: the socket may be dead without knowing it yet.
    const wake = () => {
      if (document.visibilityState === "visible" && !s.connected) s.connect();
    };
    document.addEventListener("visibilitychange", wake);
    window.addEventListener("online", wake);
    return () => {
      s.off("connect", connected);
      s.off("disconnect", lost);
      s.off("connect_error", lost);
      document.removeEventListener("visibilitychange", wake);
      window.removeEventListener("online", wake);
    };
  }, []);

  return { socket, status };
}
