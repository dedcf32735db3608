/**
 * The reader's choice of colours, kept in a cookie so the server can put it on <html> (no light flash before the
 * page's script runs). "system" (no cookie) follows the device's prefers-color-scheme through CSS alone.
 * Browser-safe: the header's toggle and /join's script read and write the same cookie.
 */
export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_COOKIE = "rollcall-theme";

export function parseTheme(value: string | null | undefined): Theme {
  return value === "light" || value === "dark" ? value : "system";
}

/** The value of data-theme on <html>: none for "system", so the media query decides. */
export function themeAttribute(theme: Theme): "light" | "dark" | undefined {
  return theme === "system" ? undefined : theme;
}

/** Reads the choice from document.cookie (browser only). */
export function storedTheme(cookie: string): Theme {
  const match = cookie.split(/;\s*/).find((c) => c.startsWith(`${THEME_COOKIE}=`));
  return parseTheme(match?.slice(THEME_COOKIE.length + 1));
}

/** Stores the choice for a year (or forgets it for "system") and applies it to this page at once. */
export function applyTheme(theme: Theme): void {
  document.cookie =
    theme === "system"
      ? `${THEME_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`
      : `${THEME_COOKIE}=${theme}; Path=/; Max-Age=${60 * 60 * 24 * 365}; SameSite=Lax`;
  const attr = themeAttribute(theme);
  if (attr) document.documentElement.dataset.theme = attr;
  else delete document.documentElement.dataset.theme;
}
