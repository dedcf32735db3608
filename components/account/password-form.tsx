"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { api } from "@/lib/api/client";

type Issue = { path: string; message: string };

/** Sets a first password (an account made by single sign-on has none) or changes it with the current one. */
export function PasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ tone: "error" | "success"; text: string; reauth?: boolean } | null>(null);
  const [fields, setFields] = useState<{ currentPassword?: string; newPassword?: string }>({});

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const newPassword = String(form.get("newPassword") ?? "");
    const currentPassword = hasPassword ? String(form.get("currentPassword") ?? "") : undefined;
    setPending(true);
    setResult(null);
    setFields({});
    const res = await api<{ changed: boolean }>("/api/me/password", { body: { currentPassword, newPassword } });
    setPending(false);
    if (!res.ok) {
      const issues = Array.isArray(res.error.issues) ? (res.error.issues as Issue[]) : [];
      const byField: typeof fields = {};
      for (const i of issues) if ((i.path === "currentPassword" || i.path === "newPassword") && !byField[i.path]) byField[i.path] = i.message;
      setFields(byField);
      return setResult({ tone: "error", text: res.error.message, reauth: res.error.code === "recent_sign_in_required" });
    }
    formRef.current?.reset();
    setResult({ tone: "success", text: res.data.changed ? "Your password was changed." : "Your password is set. You can now also sign in with your e-mail and this password." });
    router.refresh();
  }

  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="mt-4 flex flex-col gap-4" aria-busy={pending}>
      {result ? (
        <Alert tone={result.tone}>
          {result.text}
          {result.reauth ? (
            <>
              {" "}
              <button type="button" className="font-semibold underline" onClick={() => void signOut({ callbackUrl: "/account" })}>
                Sign in again
              </button>
            </>
          ) : null}
        </Alert>
      ) : null}
      {hasPassword ? (
        <Field label="Current password" id="account-current-password" name="currentPassword" type="password" autoComplete="current-password" required error={fields.currentPassword} />
      ) : null}
      <Field
        label={hasPassword ? "New password" : "Password"}
        id="account-new-password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        hint="At least 8 characters."
        error={fields.newPassword}
      />
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : hasPassword ? "Change password" : "Set password"}
        </Button>
      </div>
    </form>
  );
}
