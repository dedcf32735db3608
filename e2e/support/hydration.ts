import { expect, type Locator } from "@playwright/test";

/**
 * Resolves once React has hydrated the element (React keeps its props on the
 * DOM node). A person cannot tap before the page's script has run, but a test
 * can: on a loaded machine a click on a client-only button, or text typed into
 * a controlled input, right after a full page load is lost to hydration.
 */
export async function hydrated(locator: Locator): Promise<Locator> {
  await expect
    .poll(() => locator.evaluate((el) => Object.keys(el).some((k) => k.startsWith("__reactProps$"))), { message: "React hydrated the element", intervals: [50, 100, 250] })
    .toBe(true);
  return locator;
}
