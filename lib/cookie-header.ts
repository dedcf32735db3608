// A Cookie request header as name → value, apart from lib/api/ so that who-is-calling
// (lib/auth/current-user.ts) can read the session cookie without the auth folder
// depending on the HTTP layer that depends on it.
export function parseCookies(header: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (!out.has(name)) {
      try {
        out.set(name, decodeURIComponent(part.slice(i + 1).trim()));
      } catch {
        out.set(name, part.slice(i + 1).trim());
      }
    }
  }
  return out;
}
