import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { signInClient } from "../api/sign-in";
import type { SignInClient } from "./users";
import { getEnv } from "../env";
import { isAppError } from "../errors";
import { logLimited, suppressedNote } from "../log";
import { safeCallbackUrl } from "./callback-url";
import { TOKEN_MAX_AGE_SECONDS } from "./tokens";
import { credentialsSchema, verifyCredentials } from "./users";

export type AuthHooks = {
  /** A credentials sign-in succeeded: the HTTP layer marks the browser as trusted for the account. */
  onSignedIn?: (userId: string, client: SignInClient) => void;
};

export function authOptions(hooks: AuthHooks = {}): NextAuthOptions {
  return {
    secret: getEnv().AUTH_SECRET,
    session: { strategy: "jwt", maxAge: TOKEN_MAX_AGE_SECONDS },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const parsed = credentialsSchema.safeParse(credentials ?? {});
          if (!parsed.success) throw new Error("invalid_credentials");
          try {
            const client = signInClient(req?.headers);
            const user = await verifyCredentials(parsed.data.email, parsed.data.password, client);
            hooks.onSignedIn?.(user.id, client);
            return { id: user.id, name: user.name, email: user.email, kind: user.kind };
          } catch (e) {
            // next-auth passes the message to the client as `error`.
            throw new Error(isAppError(e) ? e.code : "invalid_credentials");
          }
        },
      }),
    ],
    // next-auth logs a line per bad request (an unparsable callbackUrl, a stale CSRF token): once per cause and ten minutes.
    logger: {
      error(code, metadata) {
        logLimited(`next-auth:error:${code}`, (n) => console.error(`[next-auth][error][${code}]${suppressedNote(n)}`, describe(metadata)));
      },
      warn(code) {
        logLimited(`next-auth:warn:${code}`, (n) => console.warn(`[next-auth][warn][${code}]${suppressedNote(n)}`));
      },
      debug() {},
    },
    callbacks: {
      // Only a path on this site, whatever the sign-in form or link carried (no open redirect, never a throw).
      async redirect({ url, baseUrl }) {
        const local = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length) : url;
        return `${baseUrl}${safeCallbackUrl(local)}`;
      },
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          (token as Record<string, unknown>).id = user.id;
          (token as Record<string, unknown>).kind = (user as { kind?: string }).kind;
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user) {
          (session.user as Record<string, unknown>).id = token.sub;
          (session.user as Record<string, unknown>).kind = (token as Record<string, unknown>).kind;
        }
        return session;
      },
    },
  };
}

function describe(metadata: unknown): string {
  const e = metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error;
  if (e instanceof Error) return e.message.slice(0, 300);
  return "";
}
