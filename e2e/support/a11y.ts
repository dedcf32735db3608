import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/**
 * No serious or critical axe findings on the page as it is now; the message
 * lists each rule and where it failed. axe's default rule set is used: every
 * WCAG 2.0 and 2.1 A/AA rule plus its best practices (landmarks, heading
 * order, …), so a page passes only what the strictest of the old checks asked.
 */
export async function expectAccessible(page: Page, where?: string): Promise<void> {
  // Right after a client-side navigation the new <title> may still be streaming in;
  // a page that never gets one still fails here (and axe's document-title would too).
  await expect(page, `a <title> on ${where ?? page.url()}`).toHaveTitle(/\S/);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `axe on ${where ?? page.url()}`).toEqual([]);
}
