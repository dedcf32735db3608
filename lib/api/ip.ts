/**
 * The client's address for rate limits. server/index.ts overwrites
 * X-Forwarded-For with the TCP peer unless TRUST_PROXY=true; behind a trusted
 * proxy the right-most entry is the one that proxy appended (entries to its
 * left were written by the client and prove nothing).
 */
export function addressFrom(forwardedFor: string | null | undefined, fallback = "unknown"): string {
  if (!forwardedFor) return fallback;
  const parts = forwardedFor.split(",").map((p) => p.trim()).filter(Boolean);
  return parts[parts.length - 1] ?? fallback;
}
