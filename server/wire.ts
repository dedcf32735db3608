import { countsCache, enableCountsCache } from "@/lib/attendance/counts";
import { isSoleWriter } from "@/lib/db/client";
import { subscribe } from "@/lib/events";
import { accessRevocation } from "@/lib/realtime/access";
import { broadcaster } from "@/lib/realtime/broadcast";
import type { RollcallServer } from "@/lib/realtime/io";
import { noPeers, type Peers } from "@/lib/realtime/peers";
import { presenceTracker } from "@/lib/realtime/presence";
import { codeRotation } from "@/lib/realtime/rotation";

/**
 * Who hears the domain's facts in this process, wired once next to the
 * Socket.IO server. Order matters: the counts cache first, so everything
 * after it reads counts that include the change. `peers`: the other processes
 * and nodes, when there are (SPEC §11; lib/realtime/peers.ts).
 */
export function wireSubscribers(io: RollcallServer, peers: Peers = noPeers(io)) {
  // Counts kept from facts are only right when this process hears every write:
  // with other writers (PostgreSQL nodes) every read counts in the database.
  const disableCounts = isSoleWriter() ? enableCountsCache() : () => {};
  const rotation = codeRotation(io, peers);
  const presence = presenceTracker(io, undefined, undefined, peers);
  // Access revocation before the broadcaster: someone who just lost access hears nothing broadcast after that commit.
  const unsubscribe = [
    subscribe(countsCache),
    subscribe(accessRevocation(io)),
    subscribe(broadcaster(io, peers)),
    subscribe(rotation.onEvent),
    subscribe(presence.onEvent),
  ];
  return {
    /** Resumes code rotation for the sessions still active in the database. */
    resume: rotation.resume,
    stop() {
      for (const off of unsubscribe) off();
      rotation.stopAll();
      presence.stop();
      disableCounts();
    },
  };
}
