import { cookies } from "next/headers";
import Link from "next/link";
import { parseTheme, THEME_COOKIE } from "@/lib/model/theme";
import type { PublicUser } from "@/lib/model/vocabulary";
import { RollcallMark } from "./rollcall-mark";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";

/** The bar on every signed-in page: home link, who is signed in, the colour theme, sign out. */
export async function AppHeader({ user }: { user: Pick<PublicUser, "name" | "kind"> }) {
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <header className="border-b border-slate-200 bg-white">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-3 focus:top-3 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:font-semibold focus:text-brand-700 focus:shadow"
      >
        Skip to content
      </a>
      <div className="mx-auto flex max-w-5xl items-center justify-between gap-3 px-4 py-3 sm:px-6">
        <Link href="/dashboard" className="flex shrink-0 items-center gap-2 rounded-md text-lg font-bold text-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600">
          <RollcallMark />
          Rollcall
        </Link>
        <div className="flex min-w-0 items-center gap-2 sm:gap-3">
          <p className="min-w-0 truncate text-sm text-slate-700">
            <span className="sr-only">Signed in as </span>
            <Link
              href="/account"
              title="Your account"
              className="rounded font-medium text-slate-900 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
            >
              {user.name}
            </Link>
            <span className="ml-2 hidden rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium capitalize text-slate-700 sm:inline">{user.kind}</span>
          </p>
          <ThemeToggle initial={theme} />
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
