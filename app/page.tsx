import Link from "next/link";

export default function Home() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-3xl flex-col justify-center gap-8 px-6 py-16">
      <div>
        <p className="text-sm font-semibold uppercase tracking-wide text-brand-600">Rollcall</p>
        <h1 className="mt-2 text-4xl font-bold tracking-tight sm:text-5xl">Attendance in the first minute of class.</h1>
        <p className="mt-4 text-lg text-slate-600">
          Open a session, put the rotating QR code on the projector, and watch the room check in live. Students scan with any phone or type the 6-digit code.
        </p>
      </div>
      <div className="flex flex-wrap gap-3">
        <Link href="/login" className="rounded-lg bg-brand-600 px-5 py-3 font-semibold text-white hover:bg-brand-700">Sign in</Link>
        <Link href="/register" className="rounded-lg border border-slate-300 bg-white px-5 py-3 font-semibold hover:bg-slate-100">Create an account</Link>
        <Link href="/join" className="rounded-lg border border-slate-300 bg-white px-5 py-3 font-semibold hover:bg-slate-100">Check in to class</Link>
      </div>
    </main>
  );
}
