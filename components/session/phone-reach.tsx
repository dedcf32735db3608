import type { PhoneReach } from "@/lib/model/site";

/**
 * Said before the students see it: the QR code points at this computer's
 * loopback, which on a phone means the phone itself. The projector shows it
 * too (the teacher may look only there), in plain words and no jargon.
 */
export function LoopbackBanner({ reach, size = "console" }: { reach: PhoneReach; size?: "console" | "projector" }) {
  if (reach.problem !== "loopback") return null;
  if (size === "projector")
    return (
      <div role="alert" data-testid="loopback-banner" className="shrink-0 border-b-4 border-amber-500 bg-amber-100 px-[3vmin] py-[1.5vmin] text-[clamp(1rem,2.4vmin,2rem)] font-semibold text-amber-950">
        Phones can&apos;t reach {reach.host}: this computer is on no network. Connect it to the classroom Wi-Fi and restart Rollcall.
      </div>
    );
  return (
    <div role="alert" className="border-b border-amber-300 bg-amber-100 px-4 py-3 text-amber-950 sm:px-6" data-testid="loopback-banner">
      <div className="mx-auto max-w-[1600px]">
        <p className="font-semibold">Phones can&apos;t reach this computer yet</p>
        <p className="mt-0.5 text-sm">
          The QR code and the join address point to <strong>{reach.host}</strong>, which on a phone means the phone itself. Connect this computer to the
          classroom Wi-Fi and restart Rollcall (it then uses its network address), or start it with <code className="font-mono">APP_URL</code> set to an
          address phones can reach.
        </p>
      </div>
    </div>
  );
}

/** For the teacher only: on plain HTTP the phone's camera app works, the scanner inside /join does not. */
export function HttpsAdvice({ reach }: { reach: PhoneReach }) {
  if (reach.problem !== "plain_http") return null;
  return (
    <p className="mt-3 text-xs leading-relaxed text-slate-600" data-testid="https-advice">
      Phones open the QR code with their camera app. Rollcall&apos;s own scanner on {reach.host}/join needs HTTPS: restart with{" "}
      <code className="whitespace-nowrap rounded bg-slate-100 px-1 font-mono text-slate-800">npm start -- --https</code> to turn it on.
    </p>
  );
}
