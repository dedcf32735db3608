"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { OrDivider, SsoButtons } from "@/components/auth/sso-buttons";
import { api } from "@/lib/api/client";
import type { SsoProviderInfo } from "@/lib/model/sso";

type Props = { callbackUrl: string; loginHref: string; allowTeacher: boolean; forCheckIn: boolean; providers: SsoProviderInfo[] };
type FieldName = "name" | "email" | "password" | "kind";
type Issue = { path: string; message: string };

const FIELD_IDS: Record<FieldName, string> = { name: "register-name", email: "register-email", password: "register-password", kind: "register-kind-student" };

export function RegisterForm({ callbackUrl, loginHref, allowTeacher, forCheckIn, providers }: Props) {
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [emailTaken, setEmailTaken] = useState(false);
  const [pending, setPending] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const sso = providers.length > 0;

  function fail(message: string | null, fields: Partial<Record<FieldName, string>> = {}) {
    setError(message);
    setFieldErrors(fields);
    setPending(false);
    requestAnimationFrame(() => {
      const first = (Object.keys(FIELD_IDS) as FieldName[]).find((f) => fields[f]);
      if (first) document.getElementById(FIELD_IDS[first])?.focus();
      else errorRef.current?.focus();
    });
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    // Read the form itself: what a fast typist entered before hydration still counts.
    const form = new FormData(e.currentTarget);
    const name = String(form.get("name") ?? "");
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    const kind = form.get("kind") === "teacher" ? "teacher" : "student";
    setPending(true);
    setError(null);
    setEmailTaken(false);
    const res = await api<{ user: { id: string } }>("/api/register", { body: { name, email, password, kind } });
    if (!res.ok) {
      if (res.error.code === "email_taken") {
        setEmailTaken(true);
        return fail(null, { email: res.error.message });
      }
      const issues = Array.isArray(res.error.issues) ? (res.error.issues as Issue[]) : [];
      const fields: Partial<Record<FieldName, string>> = {};
      for (const issue of issues) {
        const f = issue.path.split(".")[0] as FieldName;
        if (f in FIELD_IDS && !fields[f]) fields[f] = issue.message;
      }
      if (Object.keys(fields).length > 0) return fail("Please fix the highlighted fields.", fields);
      return fail(res.error.message);
    }
    let signedIn: Awaited<ReturnType<typeof signIn>>;
    try {
      signedIn = await signIn("credentials", { email: email.trim(), password, redirect: false });
    } catch {
      signedIn = undefined;
    }
    if (!signedIn || signedIn.error) {
      return fail("Your account was created, but signing in failed. Please sign in.");
    }
    window.location.assign(callbackUrl);
  }

  const kindChoice = (
    <>
      {allowTeacher ? (
        <fieldset className="flex flex-col gap-2" aria-describedby={fieldErrors.kind ? "register-kind-error" : undefined}>
          <legend className="mb-1.5 text-sm font-medium text-slate-800">I am a</legend>
          <div className="grid grid-cols-2 gap-3">
            {(["student", "teacher"] as const).map((k) => (
              <label
                key={k}
                className="flex cursor-pointer items-center gap-3 rounded-lg border border-slate-300 bg-white px-4 py-3 text-base has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-600"
              >
                <input
                  type="radio"
                  id={`register-kind-${k}`}
                  name="kind"
                  value={k}
                  defaultChecked={k === "student"}
                  className="h-4 w-4 accent-brand-600"
                />
                <span className="font-medium">{k === "student" ? "Student" : "Teacher"}</span>
              </label>
            ))}
          </div>
          {fieldErrors.kind ? (
            <p id="register-kind-error" className="text-sm text-red-700">
              {fieldErrors.kind}
            </p>
          ) : null}
        </fieldset>
      ) : (
        <p className="text-sm text-slate-600">Accounts created here are student accounts. Teacher accounts are set up by an administrator.</p>
      )}
    </>
  );

  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-2xl font-bold tracking-tight">Create your account</h1>
      <p className="mt-1 text-slate-700">{forCheckIn ? "Create an account to finish checking in. It takes a minute." : "Students check in with one scan; teachers see the room fill in live."}</p>
      <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="mt-6 flex flex-col gap-4" aria-busy={pending}>
        {sso ? (
          <>
            {/* With single sign-on, the choice comes first: it applies to both ways of signing up. */}
            {kindChoice}
            <SsoButtons
              providers={providers}
              callbackUrl={callbackUrl}
              verb="Sign up with"
              intent={() => ({ purpose: "signup", kind: formRef.current?.querySelector<HTMLInputElement>('input[name="kind"]:checked')?.value === "teacher" ? "teacher" : "student" })}
            />
            <OrDivider>or with your e-mail and a password</OrDivider>
          </>
        ) : null}
        {error ? (
          <div ref={errorRef} tabIndex={-1} className="outline-none">
            <Alert tone="error">
              {error}
              {error.startsWith("Your account was created") ? (
                <>
                  {" "}
                  <Link href={loginHref} className="font-semibold underline">
                    Sign in
                  </Link>
                </>
              ) : null}
            </Alert>
          </div>
        ) : null}
        <Field label="Your name" id={FIELD_IDS.name} name="name" autoComplete="name" required error={fieldErrors.name} />
        <Field label="E-mail" id={FIELD_IDS.email} name="email" type="email" autoComplete="email" inputMode="email" required error={fieldErrors.email} />
        {emailTaken ? (
          <p className="-mt-2 text-sm text-slate-700">
            Is it yours?{" "}
            <Link href={loginHref} className="font-semibold text-brand-700 underline underline-offset-2">
              Sign in instead
            </Link>
          </p>
        ) : null}
        <Field
          label="Password"
          id={FIELD_IDS.password}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          error={fieldErrors.password}
          hint="At least 8 characters."
        />
        {sso ? null : kindChoice}
        <Button type="submit" size="lg" disabled={pending} className="mt-2 w-full">
          {pending ? "Creating account…" : "Create account"}
        </Button>
      </form>
      <p className="mt-6 text-center text-sm text-slate-700">
        Already have an account?{" "}
        <Link href={loginHref} className="font-semibold text-brand-700 underline underline-offset-2 hover:text-brand-600">
          Sign in
        </Link>
      </p>
    </Card>
  );
}
