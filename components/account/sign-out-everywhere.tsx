"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { ConfirmDialog } from "@/components/session/confirm-dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { api } from "@/lib/api/client";

// Signed out, the account page sends the visitor to sign in and back to it.
const AFTER = "/account";

/** Ends every session of the account: other phones and laptops, API tokens, this browser too. */
export function SignOutEverywhere() {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setBusy(true);
    const res = await api("/api/me/sign-out-everywhere", { method: "POST" });
    if (!res.ok) {
      setBusy(false);
      setOpen(false);
      return setError(res.error.message);
    }
    // This browser's cookie is already gone; next-auth's sign-out navigates, so every page renders signed out.
    await signOut({ callbackUrl: AFTER });
  }

  return (
    <Card>
      <h2 className="text-lg font-semibold">Sign out everywhere</h2>
      <p className="mt-1 text-sm text-slate-600">
        Signs you out on every phone and computer, including this one, and stops API tokens you were given. Use it after signing in on a
        shared or lost device.
      </p>
      {error ? (
        <Alert tone="error" className="mt-3">
          {error}
        </Alert>
      ) : null}
      <Button variant="danger" className="mt-4" onClick={() => setOpen(true)}>
        Sign out everywhere
      </Button>
      <ConfirmDialog
        open={open}
        title="Sign out everywhere?"
        confirmLabel="Sign out everywhere"
        busyLabel="Signing out…"
        busy={busy}
        onConfirm={() => void confirm()}
        onClose={() => setOpen(false)}
      >
        You will need to sign in again on every device, this one included.
      </ConfirmDialog>
    </Card>
  );
}
