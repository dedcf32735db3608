import type { Metadata, Viewport } from "next";
import { cookies } from "next/headers";
import { SITE } from "@/lib/model/site";
import { parseTheme, THEME_COOKIE, themeAttribute } from "@/lib/model/theme";
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

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The stored choice rendered on <html>: dark from the first paint, with no script (CSP) and no flash.
  const theme = themeAttribute(parseTheme((await cookies()).get(THEME_COOKIE)?.value));
  return (
    <html lang="en" data-theme={theme} suppressHydrationWarning>
      <body className="min-h-dvh font-sans">{children}</body>
    </html>
  );
}
