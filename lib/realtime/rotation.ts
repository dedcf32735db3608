import { snapshot, nextChangeAt, type CodeSource } from "../attendance/codes";
import { activeSessions } from "../attendance/queries";
import { now } from "../clock";
import { getEnv } from "../env";
import { processSingleton } from "../global";
import { emitCode } from "./broadcast";

/**
 * One timer per active session pushes `session:code` to the staff room at each
 * token or code boundary. Timers hold nothing that is not in the database, so
 * `restoreRotations` after a restart picks up exactly where it was.
 */
const timers = () => processSingleton("realtime.rotation", () => new Map<string, NodeJS.Timeout>());

function pushCode(source: CodeSource): void {
  const { sessionId, ...code } = snapshot(source, getEnv().APP_URL, now());
  emitCode(sessionId, code);
}

function schedule(source: CodeSource): void {
  // A few ms past the boundary, so the snapshot is already in the new window.
  const delay = Math.max(50, nextChangeAt(source, now()) - now() + 15);
  const timer = setTimeout(() => {
    if (!timers().has(source.id)) return;
    pushCode(source);
    schedule(source);
  }, delay);
  timer.unref?.();
  timers().set(source.id, timer);
}

/** Starts (or restarts, after regeneration) the rotation of one session and pushes its current code. */
export function startRotation(source: CodeSource, pushNow = true): void {
  stopRotation(source.id);
  if (pushNow) pushCode(source);
  schedule(source);
}

export function stopRotation(sessionId: string): void {
  const t = timers().get(sessionId);
  if (t) clearTimeout(t);
  timers().delete(sessionId);
}

export function stopAllRotations(): void {
  for (const id of [...timers().keys()]) stopRotation(id);
}

export function restoreRotations(): number {
  const active = activeSessions();
  for (const s of active) startRotation(s, false);
  return active.length;
}
