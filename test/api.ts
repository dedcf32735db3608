import type { ClientSocket } from "./server";

/** A small HTTP client for tests that keeps cookies like a browser would. */
let clients = 0;

/** A documentation address (RFC 5737 / 3849) per client: the address a trusted proxy would report for it. */
function clientAddress(n: number): string {
  return `2001:db8::${(n % 0xffff).toString(16)}:${Math.floor(n / 0xffff).toString(16)}`;
}

export class ApiClient {
  token: string | null = null;
  cookies = new Map<string, string>();
  /** Where this client's requests come from (test/setup.ts trusts X-Forwarded-For); set one to share a network. */
  address = clientAddress(++clients);

  constructor(readonly base: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(method: string, path: string, body?: unknown, init: { headers?: Record<string, string>; raw?: string | Uint8Array } = {}) {
    const headers: Record<string, string> = { "x-forwarded-for": this.address, ...(init.headers ?? {}) };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    // A Uint8Array goes out without a Content-Type (fetch gives a string text/plain).
    let payload: string | Uint8Array | undefined = init.raw;
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const res = await fetch(this.base + path, { method, headers, body: payload as BodyInit | undefined });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { raw: text };
    }
    return { status: res.status, body: json, headers: res.headers };
  }

  get = (path: string) => this.request("GET", path);
  post = (path: string, body?: unknown) => this.request("POST", path, body ?? {});
  patch = (path: string, body?: unknown) => this.request("PATCH", path, body ?? {});
  del = (path: string) => this.request("DELETE", path);
  /** A raw text body with its own content type (a CSV upload). */
  text = (path: string, body: string, contentType = "text/csv") => this.request("POST", path, undefined, { headers: { "content-type": contentType }, raw: body });
}

let counter = 0;

export async function registerAndLogin(base: string, kind: "teacher" | "student", name?: string, emailAddress?: string) {
  const n = ++counter;
  const email = emailAddress ?? `${kind}${n}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const client = new ApiClient(base);
  const password = "correct horse battery";
  const reg = await client.post("/api/register", { name: name ?? `${kind} ${n}`, email, password, kind });
  if (reg.status !== 201) throw new Error(`register failed: ${JSON.stringify(reg.body)}`);
  const tok = await client.post("/api/token", { email, password });
  if (tok.status !== 200) throw new Error(`token failed: ${JSON.stringify(tok.body)}`);
  client.token = tok.body.token;
  return { client, user: reg.body.user as { id: string; name: string; email: string; kind: string }, email, password, token: tok.body.token as string };
}

export function emitAck<T = any>(socket: ClientSocket, event: string, payload: unknown): Promise<T> {
  return new Promise((resolve) => (socket as any).emit(event, payload, (reply: T) => resolve(reply)));
}

export function nextEvent<T = any>(socket: ClientSocket, event: string, timeoutMs = 3000, filter: (p: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      (socket as any).off(event, on);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (p: T) => {
      if (!filter(p)) return;
      clearTimeout(timer);
      (socket as any).off(event, on);
      resolve(p);
    };
    (socket as any).on(event, on);
  });
}
