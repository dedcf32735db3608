"use client";

import { useEffect, useSyncExternalStore } from "react";
import { RollcallMark } from "@/components/rollcall-mark";
import { storedTheme, themeAttribute } from "@/lib/model/theme";
import { JoinClient, switchAccount, useSignedInName } from "./join-client";

const noSubscription = () => () => {};
/** The deep link's token, known in the browser only: undefined while the static HTML is rendered and hydrated. */
const tokenInAddress = () => new URLSearchParams(window.location.search).get("t");
const notYetKnown = () => undefined;

/**
 * The whole of /join. The page is static (SPEC §6): its HTML is the same for
 * everyone, and everything that depends on the visitor (the `t` of a deep
 * link, sign-in, the camera) happens in the browser once it runs.
 */
export function JoinPage() {
  const token = useSyncExternalStore(noSubscription, tokenInAddress, notYetKnown);
  const signedInAs = useSignedInName();
  // The page is static: the system setting applies from the first paint (CSS), a stored choice once this runs.
  useEffect(() => {
    const attr = themeAttribute(storedTheme(document.cookie));
    if (attr) document.documentElement.dataset.theme = attr;
  }, []);
  return (
    <div className="mx-auto flex min-h-dvh w-full max-w-md flex-col px-4 pb-10 pt-4">
      <header className="mb-5 flex items-center justify-between gap-3">
        {/* A plain link: the rest of the app is another router, and sign-in is a full page load anyway. */}
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
        <a href="/" className="flex items-center gap-2 rounded-md text-lg font-bold text-brand-700 focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-brand-600">
          <RollcallMark className="h-7 w-7" />
          Rollcall
        </a>
        {signedInAs ? (
          <p className="flex min-w-0 items-center gap-1 text-sm text-slate-700" data-testid="signed-in-as">
            <span className="truncate font-medium text-slate-900">{signedInAs}</span>
            <span aria-hidden="true">·</span>
            <button type="button" onClick={() => void switchAccount()} className="min-h-11 shrink-0 rounded px-1 font-medium text-brand-700 underline underline-offset-2">
              not you?
            </button>
          </p>
        ) : null}
      </header>
      <main id="main" className="flex flex-1 flex-col">
        <h1 className="mb-5 text-2xl font-bold tracking-tight text-slate-900">Check in to class</h1>
        {token === undefined ? <p className="py-16 text-center text-slate-600">Loading…</p> : <JoinClient token={token} />}
      </main>
    </div>
  );
}
