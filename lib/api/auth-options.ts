import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { signInClient } from "./sign-in";
import { now } from "../clock";
import { getEnv } from "../env";
import { isAppError } from "../errors";
import { logLimited, suppressedNote } from "../log";
import { ssoErrorPath, type SsoProviderId } from "../model/sso";
import type { UserKind } from "../model/vocabulary";
import { safeCallbackUrl } from "../auth/callback-url";
import { identityFromClaims, ssoProviders } from "../auth/sso-providers";
import { signInWithIdentity, SsoRefusal } from "../auth/sso-sign-in";
import { TOKEN_MAX_AGE_SECONDS } from "../auth/tokens";
import type { SignInClient } from "../auth/users";
import { credentialsSchema, verifyCredentials } from "../auth/users";

export type AuthHooks = {
  /** A credentials sign-in succeeded: the HTTP layer marks the browser as trusted for the account. */
  onSignedIn?: (userId: string, client: SignInClient) => void;
};

/** What the HTTP layer learned about a single sign-on callback before next-auth runs (lib/api/next-auth.ts). */
export type SsoCallbackContext = {
  /** The signed-in account that asked, from the account page, to link this identity; null for a sign-in. */
  linkTo: string | null;
  /** The person chose "teacher" on the sign-up page before leaving for the provider. */
  teacherRequested: boolean;
  /** Where the person was going, for the error pages' way back. */
  callbackUrl: string;
  /** The client's address (a new account counts against registration's limits). */
  ip: string | null;
};

const NO_CONTEXT: SsoCallbackContext = { linkTo: null, teacherRequested: false, callbackUrl: "/dashboard", ip: null };

export function authOptions(hooks: AuthHooks = {}, sso: SsoCallbackContext = NO_CONTEXT): NextAuthOptions {
  const env = getEnv();
  return {
    secret: env.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: TOKEN_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login/error" },
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
      ...ssoProviders(env.SSO),
    ],
    // next-auth logs a line per bad request (an unparsable callbackUrl, a stale CSRF token, a forged SSO callback):
    // once per cause and ten minutes.
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
      /**
       * Single sign-on decides here who the person is (SPEC §13): the provider's claims by its own rules, then
       * the identity's account — linked, created, or refused with a page. `user` becomes the local account, so
       * the token below holds the local id and an SSO session is a session like any other.
       */
      async signIn({ user, account, profile }) {
        if (!account || account.provider === "credentials") return true;
        const provider = account.provider as SsoProviderId;
        const back = { provider, callbackUrl: sso.callbackUrl };
        const read = identityFromClaims(env.SSO, provider, (profile ?? {}) as Record<string, unknown>);
        if (!read.ok) {
          if (read.reason === "provider_error") console.warn(`[rollcall] single sign-on with ${provider} refused: ${read.detail}`);
          return ssoErrorPath(read.reason, { ...back, domain: read.domain });
        }
        try {
          const { user: local } = await signInWithIdentity(
            read.identity,
            { linkTo: sso.linkTo, teacherRequested: sso.teacherRequested, ip: sso.ip },
            { emailDomains: env.SSO.emailDomains, allowTeacherSignup: env.ALLOW_TEACHER_SIGNUP },
          );
          Object.assign(user, { id: local.id, name: local.name, email: local.email, kind: local.kind });
          return true;
        } catch (e) {
          if (e instanceof SsoRefusal) return ssoErrorPath(e.reason, { ...back, domain: e.domain });
          if (isAppError(e) && e.code === "rate_limited") {
            return ssoErrorPath("rate_limited", { ...back, retryAfter: Number(e.extra.retryAfterSeconds) || undefined });
          }
          console.error("[rollcall] single sign-on failed", e);
          return ssoErrorPath("server_error", back);
        }
      },
      // Only a path on this site, whatever the sign-in form or link carried (no open redirect, never a throw).
      async redirect({ url, baseUrl }) {
        const local = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length) : url;
        return `${baseUrl}${safeCallbackUrl(local)}`;
      },
      async jwt({ token, user }) {
        if (user) {
          const u = user as { id: string; name: string; email: string; kind: UserKind };
          // A fresh token of our own: the local account and when this sign-in happened, nothing of the provider's.
          return { sub: u.id, id: u.id, kind: u.kind, name: u.name, email: u.email, authTime: now() };
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
  const m = metadata as { error?: unknown; message?: unknown; providerId?: unknown } | undefined;
  const e = metadata instanceof Error ? metadata : m?.error;
  const text = e instanceof Error ? e.message : typeof m?.message === "string" ? m.message : "";
  return `${typeof m?.providerId === "string" ? `${m.providerId}: ` : ""}${text}`.slice(0, 300);
}
