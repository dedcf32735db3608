import path from "node:path";

/**
 * Screenshots for the docs are rewritten only on request (E2E_SCREENSHOTS=1), so
 * an ordinary `npm test` leaves the tracked PNGs alone; otherwise they are still
 * taken, into test-results/, where a failing run can be looked at.
 */
export const DOC_SCREENSHOTS = process.env.E2E_SCREENSHOTS === "1";

export const SCREENSHOT_DIR = DOC_SCREENSHOTS
  ? path.join(process.cwd(), "docs", "screenshots")
  : path.join(process.cwd(), "test-results", "screenshots");
