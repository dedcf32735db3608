import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { requestAddress } from "../api/client-address";
import { getEnv } from "../env";
import { isAppError } from "../errors";
import { TOKEN_MAX_AGE_SECONDS } from "./tokens";
import { credentialsSchema, verifyCredentials } from "./users";

export function authOptions(): NextAuthOptions {
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
            const user = await verifyCredentials(parsed.data.email, parsed.data.password, requestAddress(req?.headers));
            return { id: user.id, name: user.name, email: user.email, kind: user.kind };
          } catch (e) {
            // next-auth passes the message to the client as `error`.
            throw new Error(isAppError(e) ? e.code : "invalid_credentials");
          }
        },
      }),
    ],
    callbacks: {
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
