import http from "node:http";
import { gunzipSync } from "node:zlib";

export type HttpReply = { status: number; wireBytes: number; body: Buffer; json: unknown };

/**
 * Phones' plain HTTP requests share one keep-alive pool: a real hall has a
 * connection per phone, but 3,000 fresh connections a run from one machine
 * would measure the kernel's ephemeral ports rather than the server.
 */
export function phoneAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
}

export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: unknown; agent?: http.Agent; timeoutMs?: number } = {},
): Promise<HttpReply> {
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (payload) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers, agent: opts.agent, timeout: opts.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        let body = raw;
        try {
          if (res.headers["content-encoding"] === "gzip") body = gunzipSync(raw);
        } catch (err) {
          return reject(err);
        }
        let json: unknown = null;
        if (String(res.headers["content-type"] ?? "").includes("json")) {
          try {
            json = JSON.parse(body.toString("utf8"));
          } catch {
            json = null;
          }
        }
        resolve({ status: res.statusCode ?? 0, wireBytes: raw.length, body, json });
      });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(payload);
  });
}
