/** What every page says about the app in its <head>: the App Router's metadata and /join's (pages/join.tsx) alike. */
export const SITE = {
  name: "Rollcall",
  description: "Live classroom attendance: scan the code on the screen and you're in.",
  themeColor: "#1d4ed8",
  backgroundColor: "#f8fafc",
  manifest: "/manifest.webmanifest",
  /** The app icon small, so browsers stop asking for a missing /favicon.ico. */
  favicon: "/favicon.ico",
  appleTouchIcon: "/apple-touch-icon.png",
} as const;

/** A page's title in the browser tab: "Check in · Rollcall". */
export const pageTitle = (title: string) => `${title} · ${SITE.name}`;

/**
 * The address phones are given, as the console and projector show it: "go to <host>/join". `problem`: the QR
 * points at this computer's loopback (phones cannot reach it), or plain HTTP on a LAN address (in-page scanning
 * needs HTTPS; the phone's camera app still works).
 */
export type PhoneReach = { host: string; problem: "loopback" | "plain_http" | null };
