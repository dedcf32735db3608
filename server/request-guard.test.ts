import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { guardPath, malformedPath, NOT_FOUND_PATH } from "./request-guard";

function fakeRes() {
  const out = { status: 0, headers: {} as Record<string, string>, body: "" };
  const res = {
    writeHead(status: number, headers: Record<string, string>) {
      out.status = status;
      out.headers = headers;
      return res;
    },
    end(body?: string) {
      out.body = body ?? "";
    },
  };
  return { res: res as unknown as ServerResponse, out };
}

describe("malformedPath", () => {
  it("flags every %-escape decodeURIComponent refuses, in the path only", () => {
    for (const p of ["/api/sessions/%FF", "/api/sessions/%", "/api/sessions/%%", "/api/sessions/%ZZ", "/api/sessions/%C0%AE%C0%AE", "/sessions/%FF", "/enroll/%FF", "/%E0%A4%A"]) {
      expect(malformedPath(p), p).toBe(true);
    }
    for (const p of ["/", "/api/sessions/abc", "/join?t=%FF", "/sessions/%41%42", "/enroll/%E2%9C%93", "/x#%FF", undefined]) {
      expect(malformedPath(p), String(p)).toBe(false);
    }
  });
});

describe("guardPath", () => {
  it("answers a malformed API path with the §4 envelope", () => {
    const { res, out } = fakeRes();
    const req = { url: "/api/sessions/%FF" } as IncomingMessage;
    expect(guardPath(req, res)).toBe(true);
    expect(out.status).toBe(400);
    expect(out.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(out.body)).toEqual({ error: { code: "invalid_input", message: expect.any(String) } });
  });

  it("sends a malformed page path on to the app's 404 page", () => {
    const { res, out } = fakeRes();
    const req = { url: "/sessions/%FF?x=1" } as IncomingMessage;
    expect(guardPath(req, res)).toBe(false);
    expect(req.url).toBe(NOT_FOUND_PATH);
    expect(out.status).toBe(0);
  });

  it("leaves a well-formed request alone", () => {
    const { res } = fakeRes();
    const req = { url: "/api/sessions/abc%20d" } as IncomingMessage;
    expect(guardPath(req, res)).toBe(false);
    expect(req.url).toBe("/api/sessions/abc%20d");
  });
});
