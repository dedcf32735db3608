"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { OrDivider, SsoButtons } from "@/components/auth/sso-buttons";
import type { SsoProviderInfo } from "@/lib/model/sso";
import { signInWaitSeconds } from "./actions";

type Props = { callbackUrl: string; registerHref: string; purpose: string | null; providers: SsoProviderInfo[] };

export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export function LoginForm({ callbackUrl, registerHref, purpose, providers }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);

  function fail(message: string) {
    setError(message);
    setPending(false);
    // Move focus so screen readers and keyboard users land on the message.
    requestAnimationFrame(() => errorRef.current?.focus());
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    // Read the form itself: what a fast typist entered before hydration still counts.
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    if (!email.trim() || !password) return fail("Enter your e-mail and password.");
    setPending(true);
    setError(null);
    let result: Awaited<ReturnType<typeof signIn>>;
    try {
      result = await signIn("credentials", { email: email.trim(), password, redirect: false });
    } catch {
      return fail("No connection. Check your Wi-Fi and try again.");
    }
    if (!result || result.error) {
      if (result?.error === "rate_limited") {
        const wait = await signInWaitSeconds(email.trim()).catch(() => null);
        return fail(`Too many failed sign-ins. Try again in ${wait ? waitText(wait) : "a few minutes"}.`);
      }
      return fail("That e-mail and password do not match.");
    }
    // A full navigation, so every server component renders with the new session.
    window.location.assign(callbackUrl);
  }

  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-2xl font-bold tracking-tight">Sign in</h1>
      {purpose ? <p className="mt-1 text-slate-700">{purpose}</p> : <p className="mt-1 text-slate-600">Welcome back.</p>}
      {providers.length > 0 ? (
        <>
          <div className="mt-6">
            <SsoButtons providers={providers} callbackUrl={callbackUrl} verb="Sign in with" />
          </div>
          <OrDivider>or with your e-mail and password</OrDivider>
        </>
      ) : null}
      <form method="post" onSubmit={onSubmit} noValidate className={`${providers.length > 0 ? "" : "mt-6 "}flex flex-col gap-4`} aria-busy={pending}>
        {error ? (
          <div ref={errorRef} tabIndex={-1} className="outline-none">
            <Alert tone="error">{error}</Alert>
          </div>
        ) : null}
        <Field label="E-mail" id="login-email" name="email" type="email" autoComplete="email" inputMode="email" required />
        <Field label="Password" id="login-password" name="password" type="password" autoComplete="current-password" required />
        <Button type="submit" size="lg" disabled={pending} className="mt-2 w-full">
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      <p className="mt-6 text-center text-sm text-slate-700">
        New to Rollcall?{" "}
        <Link href={registerHref} className="font-semibold text-brand-700 underline underline-offset-2 hover:text-brand-600">
          Create an account
        </Link>
      </p>
    </Card>
  );
}
