import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real OpenID Provider for the tests (oidc-provider, the certified
 * implementation), started by the tests themselves on a free port, offline.
 * Its own sign-in page (the library's development views: any login, any
 * password) stands in for the university's; the login names a test account
 * whose claims the test chose beforehand (`addAccount`, or `POST /__accounts`
 * from another process). Consent is pre-granted for the registered client, as
 * a campus provider does for its own applications.
 *
 * Test switches, on the provider's own port:
 * - `POST /__accounts { login, claims }` adds or replaces an account;
 * - `POST /__outage { down: true|false }` makes discovery answer 503 (the provider is down).
 */
export type TestClient = { clientId: string; clientSecret: string; redirectUris: string[] };

export type TestAccountClaims = {
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  eduperson_affiliation?: string | string[];
  eduperson_scoped_affiliation?: string | string[];
  /** The subject; the login name when absent. */
  sub?: string;
};

export type TestIdp = {
  /** The issuer, e.g. http://127.0.0.1:4567 (no trailing slash). */
  issuer: string;
  port: number;
  addAccount: (login: string, claims: TestAccountClaims) => void;
  setOutage: (down: boolean) => void;
  /** How many requests reached this path of the provider (discovery, token, userinfo, …). */
  hits: (path: string) => number;
  close: () => Promise<void>;
};

/** Used when a test signs in with a login it never registered: a plain, verified account. */
export function defaultClaims(login: string): TestAccountClaims {
  return { email: `${login}@uni.example`, email_verified: true, name: `Test ${login}` };
}

export async function startTestIdp(opts: { clients: TestClient[]; port?: number; host?: string }): Promise<TestIdp> {
  // ESM-only package: a dynamic import works from CommonJS (tsx) and from Vitest alike.
  const { default: Provider } = await import("oidc-provider");
  const accounts = new Map<string, TestAccountClaims>();
  let down = false;
  const hits = new Map<string, number>();
  const host = opts.host ?? "127.0.0.1";

  const http = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const issuer = `http://${host}:${port}`;

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: "test-key", use: "sig", alg: "RS256" };

  const provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
    })),
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      // A campus provider releases attributes by its own policy; here they come with the profile.
      profile: ["name", "given_name", "family_name", "eduperson_affiliation", "eduperson_scoped_affiliation"],
    },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    async findAccount(_ctx, id) {
      const claims = accounts.get(id) ?? defaultClaims(id);
      return { accountId: id, claims: async () => ({ ...claims, sub: claims.sub ?? id }) };
    },
    // First-party application: no consent screen.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
    renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = `<!doctype html><title>Provider error</title><h1>Provider error</h1><pre>${escapeHtml(JSON.stringify(out))}</pre>`;
    },
  });
  provider.on("server_error", (_ctx: unknown, err: Error) => console.error("[test idp]", err));
  const handle = provider.callback();

  http.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (req.method === "POST" && path === "/__accounts") {
      void readJson(req).then((body) => {
        const { login, claims } = body as { login?: unknown; claims?: TestAccountClaims };
        if (typeof login !== "string" || !login) return send(res, 400, { error: "login required" });
        accounts.set(login, claims ?? {});
        send(res, 201, { ok: true });
      });
      return;
    }
    if (req.method === "POST" && path === "/__outage") {
      void readJson(req).then((body) => {
        down = Boolean((body as { down?: unknown }).down);
        send(res, 200, { down });
      });
      return;
    }
    if (down && path.startsWith("/.well-known/")) return send(res, 503, { error: "temporarily_unavailable" });
    handle(req, res);
  });

  return {
    issuer,
    port,
    addAccount: (login, claims) => void accounts.set(login, claims),
    setOutage: (v) => void (down = v),
    hits: (path) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections?.();
        http.close(() => resolve());
      }),
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  } catch {
    return {};
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}
