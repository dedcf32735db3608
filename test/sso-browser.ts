/**
 * A small browser for single sign-on tests: a cookie jar per origin, redirects
 * followed by hand (so a test sees each hop), and the provider's own login
 * form filled in like a person would (oidc-provider's development views: a
 * login name and any password).
 */
export class SsoBrowser {
  private jars = new Map<string, Map<string, string>>();
  /** Every URL visited, in order. */
  readonly visited: string[] = [];

  /** `headers` go with every request (a test's client address: `x-forwarded-for`, which the test server trusts). */
  constructor(private readonly headers: Record<string, string> = {}) {}

  cookies(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  cookieHeader(origin: string): string {
    return [...this.cookies(origin)].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** One request, no redirect followed; cookies stored for the response's origin. */
  async fetch(url: string, init: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const { origin } = new URL(url);
    const headers: Record<string, string> = { ...this.headers, ...(init.headers ?? {}) };
    const cookie = this.cookieHeader(origin);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    }
    this.visited.push(url);
    const res = await fetch(url, { method: init.method ?? (body ? "POST" : "GET"), headers, body, redirect: "manual" });
    const jar = this.cookies(origin);
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a)) || value === "") jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects from `url` until a page answers; returns that answer and its URL. */
  async follow(url: string, init: Parameters<SsoBrowser["fetch"]>[1] = {}, max = 12): Promise<{ res: Response; url: string }> {
    let res = await this.fetch(url, init);
    let at = url;
    for (let i = 0; i < max && res.status >= 300 && res.status < 400; i++) {
      at = new URL(res.headers.get("location")!, at).toString();
      res = await this.fetch(at);
    }
    return { res, url: at };
  }
}

export type SsoFlowResult = {
  /** Where Rollcall finally sent the browser (after the callback), relative to the app. */
  landedOn: string;
  /** The app's answer at the end of the redirects. */
  res: Response;
};

/**
 * Signs in with a provider the way the sign-in page's button does: next-auth's
 * CSRF token, POST /api/auth/signin/<provider>, the provider's login page, and
 * back through the callback. `intent` first posts to /api/sso/intent (the
 * account page's "link", the sign-up page's choice).
 */
export async function ssoRoundTrip(
  browser: SsoBrowser,
  app: string,
  login: string,
  opts: { provider?: string; callbackUrl?: string; intent?: unknown; cancel?: boolean; headers?: Record<string, string> } = {},
): Promise<SsoFlowResult> {
  const provider = opts.provider ?? "oidc";
  if (opts.intent) {
    const r = await browser.fetch(`${app}/api/sso/intent`, { json: opts.intent, headers: opts.headers });
    if (r.status !== 200) throw new Error(`intent: ${r.status} ${await r.text()}`);
  }
  const csrf = await (await browser.fetch(`${app}/api/auth/csrf`)).json();
  const start = await browser.fetch(`${app}/api/auth/signin/${provider}`, {
    form: { csrfToken: csrf.csrfToken, callbackUrl: opts.callbackUrl ?? "/dashboard", json: "true" },
  });
  const { url: authorizationUrl } = (await start.json()) as { url: string };
  if (!authorizationUrl.includes("/auth?")) {
    // next-auth could not start the sign-in (provider down): follow its error redirects in the app.
    const end = await browser.follow(new URL(authorizationUrl, app).toString());
    return { landedOn: relative(end.url, app), res: end.res };
  }
  // At the provider: its login page (an interaction), then its redirect back to Rollcall.
  const { res: page, url: pageUrl } = await browser.follow(authorizationUrl);
  // Signed in at the provider already (its own session): straight back, no page.
  if (new URL(pageUrl).origin === new URL(app).origin) return { landedOn: relative(pageUrl, app), res: page };
  const html = await page.text();
  let back: Response;
  let at: string;
  if (opts.cancel) {
    const abort = /href="([^"]*\/abort)"/.exec(html)?.[1] ?? `${new URL(pageUrl).pathname}/abort`;
    at = new URL(abort, pageUrl).toString();
    back = await browser.fetch(at);
  } else {
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no login form at the provider: ${html.slice(0, 300)}`);
    at = new URL(action, pageUrl).toString();
    back = await browser.fetch(at, { form: { prompt: "login", login, password: "any password" } });
  }
  // Provider redirects until it sends the browser to Rollcall's callback; then Rollcall's own redirects.
  let hops = 0;
  while (back.status >= 300 && back.status < 400 && hops++ < 12) {
    at = new URL(back.headers.get("location")!, at).toString();
    back = await browser.fetch(at);
  }
  return { landedOn: relative(at, app), res: back };
}

function relative(url: string, app: string): string {
  const u = new URL(url);
  return u.origin === new URL(app).origin ? `${u.pathname}${u.search}` : url;
}
