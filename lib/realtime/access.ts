import type { DomainEvent } from "../events";
import { rooms } from "./events";
import type { RollcallServer } from "./io";

/**
 * When someone loses access to a course, every socket they have open leaves
 * that course's rooms at once: no more codes, names, counts or roster events
 * on a socket opened while they still had access (SPEC §1, §5). Synchronous,
 * so it takes effect before any later fact is broadcast. `io.in(room)` with
 * `socketsLeave` goes through the adapter, so with a multi-node adapter the
 * sockets leave on whichever node holds them.
 */
export function accessRevocation(io: RollcallServer) {
  return (event: DomainEvent): void => {
    // Signed out everywhere: every socket of the account closes, on whichever node holds it. A reconnect
    // presents the old token and is refused at the handshake.
    if (event.type === "account.sessionsRevoked") {
      io.in(rooms.user(event.userId)).disconnectSockets(true);
      return;
    }
    if (event.type !== "access.revoked") return;
    const leave =
      event.as === "staff"
        ? [rooms.course(event.courseId), ...event.sessionIds.map(rooms.staff)]
        : event.sessionIds.flatMap((id) => [rooms.students(id), rooms.presence(id)]);
    if (leave.length > 0) io.in(rooms.user(event.userId)).socketsLeave(leave);
  };
}
