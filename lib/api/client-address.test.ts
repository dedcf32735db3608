import { describe, expect, it } from "vitest";
import { clientAddress, PEER_ADDRESS_HEADER, requestAddress } from "./client-address";

describe("client address", () => {
  it("is the TCP peer unless a trusted proxy is in front", () => {
    expect(clientAddress("10.0.0.5", "203.0.113.9", false)).toBe("10.0.0.5");
    expect(clientAddress("10.0.0.5", null, true)).toBe("10.0.0.5");
    expect(clientAddress(undefined, undefined, false)).toBe("unknown");
  });

  it("behind a trusted proxy, takes the right-most X-Forwarded-For entry (the one the proxy appended)", () => {
    expect(clientAddress("127.0.0.1", "1.2.3.4, 198.51.100.7", true)).toBe("198.51.100.7");
    expect(clientAddress("127.0.0.1", ["1.2.3.4", "198.51.100.7 "], true)).toBe("198.51.100.7");
    expect(clientAddress("127.0.0.1", " , ", true)).toBe("127.0.0.1");
  });

  it("reads the same rule from Fetch headers and from Node's header objects", () => {
    const fetchHeaders = new Headers({ [PEER_ADDRESS_HEADER]: "10.1.1.1", "x-forwarded-for": "6.6.6.6" });
    expect(requestAddress(fetchHeaders)).toBe("10.1.1.1");
    expect(requestAddress({ [PEER_ADDRESS_HEADER]: "10.1.1.2" })).toBe("10.1.1.2");
    expect(requestAddress(undefined)).toBe("unknown");
  });
});
