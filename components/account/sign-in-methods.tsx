"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { SsoButtons } from "@/components/auth/sso-buttons";
import { LocalTime } from "@/components/local-time";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { api } from "@/lib/api/client";
import type { IdentityDto, SignInMethodsDto, SsoProviderInfo } from "@/lib/model/sso";

type Props = { methods: SignInMethodsDto; providers: SsoProviderInfo[]; linked: string | null };

/** How this person can sign in: the password and each linked identity; link another, unlink one while another way remains. */
export function SignInMethods({ methods, providers, linked }: Props) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(linked ? { tone: "success", text: `Linked. You can now sign in with ${linked}.` } : null);
  const ways = (methods.password ? 1 : 0) + methods.identities.length;

  async function unlink(identity: IdentityDto) {
    setBusy(identity.id);
    setMessage(null);
    const res = await api(`/api/me/identities/${identity.id}`, { method: "DELETE" });
    setBusy(null);
    if (!res.ok) return setMessage({ tone: "error", text: res.error.message });
    setMessage({ tone: "success", text: `Unlinked ${identity.providerName}${identity.email ? ` (${identity.email})` : ""}.` });
    router.refresh();
  }

  return (
    <Card>
      <h2 className="text-lg font-semibold">Ways to sign in</h2>
      {message ? (
        <Alert tone={message.tone} className="mt-3">
          {message.text}
        </Alert>
      ) : null}
      <ul className="mt-3 divide-y divide-slate-200 rounded-lg border border-slate-200" aria-label="Ways to sign in">
        <li className="flex items-center justify-between gap-3 px-4 py-3">
          <div>
            <p className="font-medium text-slate-900">E-mail and password</p>
            <p className="text-sm text-slate-600">{methods.password ? "Set" : "No password yet"}</p>
          </div>
        </li>
        {methods.identities.map((identity) => (
          <li key={identity.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
            <div className="min-w-0">
              <p className="font-medium text-slate-900">{identity.providerName}</p>
              <p className="text-sm text-slate-600">
                {/* A long address breaks where it must; the words after it do not. */}
                {identity.email ? <span className="[overflow-wrap:anywhere]">{identity.email}</span> : null}
                {identity.email ? " · " : ""}linked <LocalTime iso={identity.linkedAt} format="date" />
              </p>
            </div>
            {ways > 1 ? (
              <Button variant="secondary" size="sm" disabled={busy !== null} onClick={() => void unlink(identity)} aria-label={`Unlink ${identity.providerName}${identity.email ? ` (${identity.email})` : ""}`}>
                {busy === identity.id ? "Unlinking…" : "Unlink"}
              </Button>
            ) : (
              <p className="text-sm text-slate-600">Your only way to sign in</p>
            )}
          </li>
        ))}
      </ul>
      {providers.length > 0 ? (
        <div className="mt-5">
          <h3 className="text-sm font-semibold text-slate-800">Link another way to sign in</h3>
          <p className="mb-3 mt-1 text-sm text-slate-600">You will sign in there once; after that it signs you in to this account.</p>
          <SsoButtons providers={providers} callbackUrl={(id) => `/account?linked=${id}`} verb="Link" intent={() => ({ purpose: "link" })} />
        </div>
      ) : null}
    </Card>
  );
}
