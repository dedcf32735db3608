// oidc-provider ships no types. The tests use a small part of it: this is that part, typed loosely.
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  type AnyRecord = Record<string, any>;
  type Ctx = {
    oidc: {
      result?: AnyRecord;
      session?: { accountId?: string; grantIdFor(clientId: string): string | undefined };
      client?: { clientId: string };
      provider: Provider;
    };
    type: string;
    body: unknown;
  };

  class Grant {
    constructor(init: { clientId: string; accountId?: string });
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
    static find(id: string): Promise<Grant | undefined>;
  }

  export type Configuration = {
    clients?: AnyRecord[];
    jwks?: { keys: AnyRecord[] };
    cookies?: { keys: string[] };
    claims?: Record<string, string[] | null>;
    features?: AnyRecord;
    pkce?: { required?: (ctx: Ctx, client: unknown) => boolean; methods?: string[] };
    findAccount?: (ctx: Ctx, id: string) => Promise<{ accountId: string; claims: (...args: unknown[]) => Promise<AnyRecord> } | undefined>;
    loadExistingGrant?: (ctx: Ctx) => Promise<Grant | undefined>;
    ttl?: Record<string, number>;
    renderError?: (ctx: Ctx, out: AnyRecord, error: Error) => void | Promise<void>;
  };

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    Grant: typeof Grant;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: any[]) => void): this;
  }
}
