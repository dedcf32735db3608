import { getEnv } from "../env";

/**
 * The one rule for a client's address (rate limits key on it). The TCP peer,
 * unless TRUST_PROXY says a reverse proxy the operator runs sits in front:
 * then the right-most X-Forwarded-For entry, the one that proxy appended
 * (entries to its left were written by the client and prove nothing).
 */
export function clientAddress(peer: string | null | undefined, forwardedFor: string | string[] | null | undefined, trustProxy = getEnv().TRUST_PROXY): string {
  if (trustProxy && forwardedFor) {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
    const entries = header.split(",").map((p) => p.trim()).filter(Boolean);
    const last = entries[entries.length - 1];
    if (last) return last;
  }
  return peer || "unknown";
}

/**
 * Next's route handlers never see the socket, so the HTTP server copies the
 * TCP peer's address into this header, overwriting whatever a client sent.
 */
export const PEER_ADDRESS_HEADER = "x-rollcall-peer";

type HeaderSource = { get(name: string): string | null } | Record<string, unknown> | undefined;

function header(headers: HeaderSource, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as { get?: unknown }).get === "function") return (headers as { get(n: string): string | null }).get(name);
  const v = (headers as Record<string, unknown>)[name];
  return typeof v === "string" ? v : null;
}

/** The client's address for a request that went through the HTTP server (route handlers, server actions, next-auth). */
export function requestAddress(headers: HeaderSource): string {
  return clientAddress(header(headers, PEER_ADDRESS_HEADER), header(headers, "x-forwarded-for"));
}
