import type { Server } from "socket.io";
import { getProcessValue, setProcessValue } from "../process-store";
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from "./events";
import type { InterServerEvents } from "./peers";

export type RollcallServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

// Route handlers live in Next's bundle; the Socket.IO server is created in
// server/. globalThis is the only thing both see.
const KEY = "realtime.io";

export function setIo(io: RollcallServer | undefined): void {
  setProcessValue(KEY, io);
}

export function getIo(): RollcallServer | undefined {
  return getProcessValue<RollcallServer>(KEY);
}
