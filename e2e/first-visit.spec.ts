import type { Page } from "@playwright/test";
import { expectAccessible } from "./support/a11y";
import { expect, PHONE, test } from "./support/fixtures";

/** The first things a newcomer sees: the home page on a phone, the dashboard's greeting, a wrong address, the icons. */

test("on a phone, / puts checking in first; a signed-in visitor goes straight to the dashboard", async ({ browser, demoStudent, signIn }) => {
  const context = await browser.newContext({ ...PHONE });
  try {
    const page = await context.newPage();
    await page.goto("/");
    const actions = page.getByRole("main").getByRole("link");
    await expect(actions.first()).toHaveText("Check in to class");
    const checkIn = await page.getByRole("link", { name: "Check in to class" }).boundingBox();
    const signInBox = await page.getByRole("link", { name: "Sign in" }).boundingBox();
    // The widest and the first of the actions, above the others.
    expect(checkIn!.width).toBeGreaterThan(300);
    expect(checkIn!.y).toBeLessThan(signInBox!.y);
    await expectAccessible(page, "home on a phone");
    await page.getByRole("link", { name: "Check in to class" }).tap();
    await expect(page).toHaveURL(/\/join$/);

    await signIn(context, await demoStudent(3));
    await page.goto("/");
    await expect(page).toHaveURL(/\/dashboard$/);
  } finally {
    await context.close();
  }
});

test("the dashboard greets a person by the name they gave, title and all", async ({ page, e2eApi, signIn }) => {
  const res = await e2eApi.post("/__e2e/users", { data: { name: "Dr. Grace Hopper", kind: "teacher" } });
  expect(res.status()).toBe(201);
  const { user, token, expiresAt } = await res.json();
  await signIn(page.context(), { ...user, token, expiresAt, password: "" });
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hi, Dr. Grace Hopper");
});

async function linksTheFavicon(page: Page) {
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toBeTruthy();
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("image/x-icon");
}

test("an unknown address gets Rollcall's own page with a way home, and every page has the app's icon", async ({ page }) => {
  const res = await page.goto("/no/such/page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await expect(page.getByRole("link", { name: "Rollcall" })).toHaveAttribute("href", "/");
  await expect(page.getByRole("link", { name: "Check in" })).toBeVisible();
  await expectAccessible(page, "404");
  await linksTheFavicon(page);
  await page.getByRole("link", { name: "Rollcall" }).click();
  await expect(page).toHaveURL(/\/$/);
  await linksTheFavicon(page);

  const manifest = await (await page.request.get("/manifest.webmanifest")).json();
  for (const icon of manifest.icons as Array<{ src: string }>) expect((await page.request.get(icon.src)).status(), icon.src).toBe(200);
});
