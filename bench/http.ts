import http, { type IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

export type HttpReply = {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as it crossed the wire (compressed, if it was). */
  wireBytes: number;
  /** Everything on the connection for this exchange: request line, headers and body out; status line, headers and body in. */
  bytesOut: number;
  bytesIn: number;
  /** Decoded body; when `decode` is false, empty unless it is JSON (then decoded). */
  body: Buffer;
  json: unknown;
};

/**
 * Phones' plain HTTP requests share one keep-alive pool: a real hall has a
 * connection per phone, but 3,000 fresh connections a run from one machine
 * would measure the kernel's ephemeral ports rather than the server.
 */
export function phoneAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
}

function decodeBody(raw: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? "").trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return gunzipSync(raw);
    case "br":
      return brotliDecompressSync(raw);
    case "deflate":
      return inflateSync(raw);
    case "":
    case "identity":
      return raw;
    default:
      throw new Error(`cannot decode content-encoding ${encoding}`);
  }
}

export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: unknown; agent?: http.Agent; timeoutMs?: number; decode?: boolean } = {},
): Promise<HttpReply> {
  const payload = opts.body === undefined ? undefined : Buffer.from(typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body));
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (payload) {
    headers["content-type"] ??= "application/json";
    headers["content-length"] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    // A keep-alive connection carries one exchange at a time, so its byte counters' growth over this exchange is this exchange.
    let socket: Socket | null = null;
    let read0 = 0;
    let written0 = 0;
    const req = http.request(url, { method: opts.method ?? "GET", headers, agent: opts.agent, timeout: opts.timeoutMs ?? 30_000 }, (res) => {
      // A body nobody reads (a page's script, fetched for its cost) is counted, not kept: thousands of phones' files add up.
      const keep = opts.decode !== false || String(res.headers["content-type"] ?? "").includes("json");
      const chunks: Buffer[] = [];
      let dropped = 0;
      res.on("data", (c: Buffer) => (keep ? chunks.push(c) : (dropped += c.length)));
      res.on("error", reject);
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        let body: Buffer = raw;
        const type = String(res.headers["content-type"] ?? "");
        if (opts.decode !== false || type.includes("json")) {
          try {
            body = decodeBody(raw, res.headers["content-encoding"]);
          } catch (err) {
            return reject(err);
          }
        }
        let json: unknown = null;
        if (type.includes("json")) {
          try {
            json = JSON.parse(body.toString("utf8"));
          } catch {
            json = null;
          }
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          wireBytes: raw.length + dropped,
          bytesOut: socket ? socket.bytesWritten - written0 : 0,
          bytesIn: socket ? socket.bytesRead - read0 : 0,
          body,
          json,
        });
      });
    });
    req.on("socket", (s: Socket) => {
      socket = s;
      read0 = s.bytesRead;
      written0 = s.bytesWritten;
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(payload);
  });
}
