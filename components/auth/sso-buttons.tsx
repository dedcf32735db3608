"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/api/client";
import type { SsoProviderId, SsoProviderInfo } from "@/lib/model/sso";

type Intent = { purpose: "link" } | { purpose: "signup"; kind: "student" | "teacher" };

type Props = {
  providers: SsoProviderInfo[];
  /** Where to come back to: one path, or one per provider. */
  callbackUrl: string | ((provider: SsoProviderId) => string);
  /** "Sign in with …", "Sign up with …" or "Link …" on each button. */
  verb: "Sign in with" | "Sign up with" | "Link";
  /** Asked for just before leaving: the sign-up page's kind, the account page's link. */
  intent?: () => Intent | null;
};

/**
 * One button per configured provider (SPEC §13). A click leaves for the
 * provider's own sign-in page and comes back to `callbackUrl`; a scan held for
 * this browser rides along in its cookie.
 */
export function SsoButtons({ providers, callbackUrl, verb, intent }: Props) {
  const [going, setGoing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function go(provider: SsoProviderInfo) {
    setGoing(provider.id);
    setError(null);
    const wanted = intent?.() ?? null;
    if (wanted) {
      const res = await api("/api/sso/intent", { body: wanted });
      if (!res.ok) {
        setGoing(null);
        return setError(res.error.message);
      }
    }
    try {
      await signIn(provider.id, { callbackUrl: typeof callbackUrl === "string" ? callbackUrl : callbackUrl(provider.id) });
    } catch {
      setGoing(null);
      setError("No connection. Check your Wi-Fi and try again.");
    }
  }

  return (
    <div className="flex flex-col gap-3">
      {error ? <Alert tone="error">{error}</Alert> : null}
      {providers.map((p) => (
        <Button key={p.id} variant="secondary" size="lg" className="w-full" disabled={going !== null} onClick={() => void go(p)} data-provider={p.id}>
          <ProviderMark id={p.id} />
          {going === p.id ? `Taking you to ${p.name}…` : `${verb} ${p.name}`}
        </Button>
      ))}
    </div>
  );
}

/** A small mark per provider, drawn here (no third-party assets or CDN). */
function ProviderMark({ id }: { id: SsoProviderInfo["id"] }) {
  if (id === "google") {
    return (
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5 shrink-0">
        <path fill="#4285F4" d="M22.5 12.3c0-.8-.1-1.5-.2-2.2H12v4.2h5.9a5 5 0 0 1-2.2 3.3v2.7h3.6c2-1.9 3.2-4.7 3.2-8z" />
        <path fill="#34A853" d="M12 23c3 0 5.5-1 7.3-2.7l-3.6-2.7c-1 .7-2.2 1.1-3.7 1.1-2.9 0-5.3-1.9-6.2-4.5H2.1v2.8A11 11 0 0 0 12 23z" />
        <path fill="#FBBC05" d="M5.8 14.2a6.6 6.6 0 0 1 0-4.3V7.1H2.1a11 11 0 0 0 0 9.9l3.7-2.8z" />
        <path fill="#EA4335" d="M12 5.4c1.6 0 3 .6 4.2 1.6l3.1-3.1A11 11 0 0 0 2.1 7.1l3.7 2.8C6.7 7.3 9.1 5.4 12 5.4z" />
      </svg>
    );
  }
  if (id === "azure-ad") {
    return (
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5 shrink-0">
        <path fill="#F25022" d="M2 2h9.5v9.5H2z" />
        <path fill="#7FBA00" d="M12.5 2H22v9.5h-9.5z" />
        <path fill="#00A4EF" d="M2 12.5h9.5V22H2z" />
        <path fill="#FFB900" d="M12.5 12.5H22V22h-9.5z" />
      </svg>
    );
  }
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5 shrink-0 text-brand-700" fill="none" stroke="currentColor" strokeWidth="1.8">
      <path d="M3 9.5 12 4l9 5.5-9 5.5-9-5.5z" strokeLinejoin="round" />
      <path d="M7 12v4.5c0 1.4 2.2 2.5 5 2.5s5-1.1 5-2.5V12" />
    </svg>
  );
}

/** The line between the provider buttons and the e-mail form. */
export function OrDivider({ children }: { children: React.ReactNode }) {
  return (
    <div className="my-6 flex items-center gap-3 text-sm text-slate-600">
      <span className="h-px flex-1 bg-slate-200" />
      {children}
      <span className="h-px flex-1 bg-slate-200" />
    </div>
  );
}
