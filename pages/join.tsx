import Head from "next/head";
import { JoinPage } from "@/components/join/join-page";
import { pageTitle, SITE } from "@/lib/model/site";

/**
 * /join is the one page a whole lecture hall loads in the same minute, so it
 * is built with the Pages Router: a static page needs none of the App
 * Router's client (RSC payload, router cache, prefetching), and leaving it out
 * makes the phone's first load ~18 kB (gzip) lighter. Its <head> says what the
 * root layout says for every other page (lib/model/site.ts).
 */
export default function Join() {
  return (
    <>
      <Head>
        <title>{pageTitle("Check in")}</title>
        <meta name="description" content="Scan the QR code on the classroom screen or type its 6-digit code." />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content={SITE.themeColor} />
        <meta name="application-name" content={SITE.name} />
        <link rel="manifest" href={SITE.manifest} />
        <link rel="icon" href={SITE.favicon} sizes="any" />
        <link rel="apple-touch-icon" href={SITE.appleTouchIcon} />
        <meta name="mobile-web-app-capable" content="yes" />
        <meta name="apple-mobile-web-app-title" content={SITE.name} />
        <meta name="apple-mobile-web-app-status-bar-style" content="default" />
      </Head>
      <JoinPage />
    </>
  );
}
