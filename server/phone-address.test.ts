import { describe, expect, it } from "vitest";
import { describePhoneAddress } from "./phone-address";

describe("describePhoneAddress", () => {
  it("names the chosen LAN address, the others, and how to choose another", () => {
    const lines = describePhoneAddress(
      {
        APP_URL: "http://192.168.1.23:3000",
        APP_URL_SOURCE: "lan",
        LAN_ADDRESSES: [
          { interface: "wlan0", address: "192.168.1.23" },
          { interface: "docker0", address: "172.17.0.1" },
        ],
      },
      "http",
      3000,
    );
    expect(lines).toEqual([
      "  phones use http://192.168.1.23:3000 (this computer on wlan0; QR codes point there)",
      "  also on docker0: http://172.17.0.1:3000",
      "  to give phones another address, start with APP_URL set, e.g. APP_URL=http://172.17.0.1:3000 npm start",
    ]);
  });

  it("says plainly when phones cannot reach this computer", () => {
    const lines = describePhoneAddress({ APP_URL: "http://localhost:3000", APP_URL_SOURCE: "loopback", LAN_ADDRESSES: [] }, "http", 3000);
    expect(lines.join("\n")).toMatch(/phones cannot reach this computer/);
    expect(lines.join("\n")).toMatch(/APP_URL/);
  });

  it("repeats a configured APP_URL", () => {
    expect(describePhoneAddress({ APP_URL: "https://rollcall.example.edu", APP_URL_SOURCE: "setting", LAN_ADDRESSES: [] }, "http", 3000)).toEqual([
      "  phones use https://rollcall.example.edu (APP_URL)",
    ]);
  });
});
