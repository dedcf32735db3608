import { expect, type APIRequestContext, type Page } from "@playwright/test";
import type { TestAccountClaims } from "../../test/oidc-provider";
import { hydrated } from "./hydration";

/**
 * The OpenID provider of the single sign-on e2e server (test/oidc-provider.ts, started by e2e/server.ts with
 * E2E_SSO=1): on 127.0.0.1, another site than the app's localhost. Its sign-in page is the library's own
 * (any login, any password); a test decides the claims of a login beforehand.
 */
export function idpURL(): string {
  return `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3210) + 2}`;
}

export const UNIVERSITY = "Example University";

let n = 0;

/** A person at the university's provider; the e-mail is at uni.example (listed in SSO_EMAIL_DOMAINS) unless the claims say otherwise. */
export async function universityPerson(request: APIRequestContext, claims: TestAccountClaims = {}) {
  const login = `e2e${++n}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const all = { email: `${login}@uni.example`, email_verified: true, name: `Uni ${login.slice(0, 10)}`, ...claims };
  const res = await request.post(`${idpURL()}/__accounts`, { data: { login, claims: all } });
  expect(res.status()).toBe(201);
  return { login, email: all.email!, name: all.name! };
}

export async function setProviderOutage(request: APIRequestContext, down: boolean) {
  expect((await request.post(`${idpURL()}/__outage`, { data: { down } })).status()).toBe(200);
}

/** Clicks the page's button for the university's provider. */
export async function clickProvider(page: Page, verb: "Sign in with" | "Sign up with" | "Link" = "Sign in with") {
  await (await hydrated(page.getByRole("button", { name: `${verb} ${UNIVERSITY}` }))).click();
}

/** On the provider's own sign-in page: a login name and any password, as a person types them. */
export async function signInAtProvider(page: Page, login: string) {
  await expect(page).toHaveURL(new RegExp(`^${idpURL().replace(/\./g, "\\.")}/interaction/`));
  await page.getByPlaceholder("Enter any login").fill(login);
  await page.getByPlaceholder("and password").fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
}
