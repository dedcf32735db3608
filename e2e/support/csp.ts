import type { Page } from "@playwright/test";

/**
 * What the browser console says about the Content-Security-Policy on a page:
 * Chromium logs every blocked script, style, connection or frame there. A
 * test collects from the pages it opens and expects none (the server's own
 * report endpoint is checked after every test by e2e/support/fixtures.ts).
 */
export function cspConsole(page: Page, into: string[] = []): string[] {
  page.on("console", (m) => {
    const text = m.text();
    if (/Content[ -]Security[ -]Policy/i.test(text)) into.push(`${page.url()}: ${text}`);
  });
  return into;
}
