import Link from "next/link";
import { RollcallMark } from "@/components/rollcall-mark";

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col items-center bg-gradient-to-b from-brand-50 to-slate-50 px-4 py-8 sm:justify-center sm:py-16">
      <Link href="/" className="mb-6 flex items-center gap-2 rounded-md text-xl font-bold text-brand-700 focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-brand-600">
        <RollcallMark className="h-8 w-8" />
        Rollcall
      </Link>
      <main id="main" className="w-full max-w-md">
        {children}
      </main>
    </div>
  );
}
