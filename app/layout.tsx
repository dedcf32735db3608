import type { Metadata, Viewport } from "next";
import { SITE } from "@/lib/model/site";
import "./globals.css";

// /join says the same in its own <head> (pages/join.tsx), from the same constants.
export const metadata: Metadata = {
  title: { default: SITE.name, template: `%s · ${SITE.name}` },
  description: SITE.description,
  applicationName: SITE.name,
  icons: { icon: [{ url: SITE.favicon, sizes: "any" }], apple: SITE.appleTouchIcon },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: SITE.themeColor,
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh font-sans">{children}</body>
    </html>
  );
}
