import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inlineScriptHashes, securityHeaders, type SecurityOptions } from "./security-headers";

function build(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "rollcall-csp-"));
  mkdirSync(path.join(dir, "app"));
  mkdirSync(path.join(dir, "pages"));
  writeFileSync(
    path.join(dir, "app", "index.html"),
    `<html><head><script src="/_next/static/a.js" async=""></script></head><body><script>self.__next_f.push([1,"x"])</script><script id="_R_">boot()</script></body></html>`,
  );
  writeFileSync(path.join(dir, "pages", "join.html"), `<script id="__NEXT_DATA__" type="application/json">{"props":{}}</script><script>pages()</script>`);
  return dir;
}

function run(opts: Partial<SecurityOptions>, url: string, extra: Partial<IncomingMessage> = {}) {
  const apply = securityHeaders({ dev: false, prerenderedDir: null, socketOrigins: () => ["http://localhost:3000", "http://192.168.1.20:3000", "http://[::1]:3000"], appUrl: "http://localhost:3000", selfSigned: false, ...opts });
  const headers: Record<string, string> = {};
  const req = { url, headers: {}, socket: {}, ...extra } as IncomingMessage;
  const res = { setHeader: (k: string, v: string) => void (headers[k.toLowerCase()] = v) } as unknown as ServerResponse;
  apply(req, res);
  return { headers, req };
}

describe("inlineScriptHashes", () => {
  it("hashes every inline script of the prerendered pages, not files or data blocks", () => {
    const hashes = inlineScriptHashes(build());
    expect(hashes).toHaveLength(3);
    // sha256("boot()") in base64.
    expect(hashes).toContain("'sha256-MeZS89WlF0u+o0hCvHTBt4q1WHU+U+sJKgbdRUc36mY='");
    expect(inlineScriptHashes(null)).toEqual([]);
  });
});

describe("securityHeaders", () => {
  it("gives pages a nonce'd policy (also on the request, for Next) without unsafe-inline or eval for scripts", () => {
    const dir = build();
    const a = run({ prerenderedDir: dir }, "/dashboard");
    const b = run({ prerenderedDir: dir }, "/dashboard");
    const policy = a.headers["content-security-policy"];
    expect(a.req.headers["content-security-policy"]).toBe(policy);
    const script = policy.split("; ").find((d) => d.startsWith("script-src "))!;
    expect(script).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'( 'sha256-[^']+'){3}$/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("img-src 'self' data: blob:");
    expect(policy).toContain("connect-src 'self' ws://localhost:3000 ws://192.168.1.20:3000;");
    expect(b.headers["content-security-policy"]).not.toBe(policy);
  });

  it("allows the camera on /join only", () => {
    expect(run({}, "/join?t=x").headers["permissions-policy"]).toMatch(/^camera=\(self\), /);
    expect(run({}, "/dashboard").headers["permissions-policy"]).toMatch(/^camera=\(\), microphone=\(\)/);
    expect(run({}, "/join/other").headers["permissions-policy"]).toMatch(/^camera=\(\)/);
  });

  it("keeps API answers unrenderable and leaves build files alone", () => {
    expect(run({}, "/api/health").headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    const asset = run({}, "/_next/static/chunks/a.js").headers;
    expect(asset["content-security-policy"]).toBeUndefined();
    expect(asset["x-content-type-options"]).toBe("nosniff");
  });

  it("sends HSTS only over HTTPS for an https APP_URL with a real host name, never for the LAN's self-signed certificate", () => {
    const tls = { socket: { encrypted: true } } as unknown as Partial<IncomingMessage>;
    expect(run({ appUrl: "https://rollcall.example.edu" }, "/", tls).headers["strict-transport-security"]).toBe("max-age=31536000");
    expect(run({ appUrl: "https://rollcall.example.edu" }, "/").headers["strict-transport-security"]).toBeUndefined();
    expect(run({ appUrl: "https://192.168.1.20:3000" }, "/", tls).headers["strict-transport-security"]).toBeUndefined();
    expect(run({ appUrl: "https://teacher-laptop.local:3000" }, "/", tls).headers["strict-transport-security"]).toBeUndefined();
    expect(run({ appUrl: "https://rollcall.example.edu", selfSigned: true }, "/", tls).headers["strict-transport-security"]).toBeUndefined();
    expect(run({ appUrl: "http://rollcall.example.edu" }, "/", tls).headers["strict-transport-security"]).toBeUndefined();
  });

  it("is permissive for scripts in development only (React's dev tools need eval)", () => {
    expect(run({ dev: true }, "/").headers["content-security-policy"]).toContain("script-src 'self' 'unsafe-inline' 'unsafe-eval'");
    // Next's development server sends one of its scripts as JSON; nosniff would make the browser refuse it.
    expect(run({ dev: true }, "/_next/static/development/_clientMiddlewareManifest.js").headers["x-content-type-options"]).toBeUndefined();
    expect(run({ dev: true }, "/").headers["x-content-type-options"]).toBe("nosniff");
  });
});
