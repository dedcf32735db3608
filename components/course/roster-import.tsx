"use client";

import { useId, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/api/client";
import type { ErrorDto } from "@/lib/model/attendance";

export type ImportSummary = { added: number; alreadyEnrolled: number; invited: number; invalid: Array<{ line: number; email: string; reason: string }> };

type Source = { body: BodyInit; label: string };
type Step =
  | { name: "edit"; error: ErrorDto | null }
  | { name: "checking" }
  | { name: "preview"; source: Source; summary: ImportSummary; error: ErrorDto | null }
  | { name: "importing"; source: Source; summary: ImportSummary };

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/**
 * Import a class list: paste it (cells copied from a spreadsheet arrive
 * tab-separated, which the server reads too) or upload a CSV, see what a dry
 * run would do and every line it would skip, then confirm. The confirmed
 * import sends exactly the text that was previewed.
 */
export function RosterImport({ courseId, onImported, onCancel }: { courseId: string; onImported: (summary: ImportSummary) => void; onCancel: () => void }) {
  const [text, setText] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [step, setStep] = useState<Step>({ name: "edit", error: null });
  const fileInput = useRef<HTMLInputElement>(null);
  const textId = useId();
  const hintId = useId();
  const previewHeading = useRef<HTMLHeadingElement>(null);
  const url = (dryRun: boolean) => `/api/courses/${encodeURIComponent(courseId)}/roster${dryRun ? "?dryRun=true" : ""}`;

  async function check() {
    // A file is sent as its bytes, so the server can tell UTF-8 from an older Windows export.
    const source: Source | null = file ? { body: file, label: file.name } : text.trim() ? { body: text, label: "the pasted list" } : null;
    if (!source) {
      setStep({ name: "edit", error: { code: "invalid_input", message: "Paste a class list or choose a CSV file first." } });
      return;
    }
    setStep({ name: "checking" });
    const res = await api<ImportSummary>(url(true), { raw: { body: source.body, contentType: "text/csv" } });
    if (!res.ok) {
      setStep({ name: "edit", error: res.error });
      return;
    }
    setStep({ name: "preview", source, summary: res.data, error: null });
    requestAnimationFrame(() => previewHeading.current?.focus());
  }

  async function confirm(source: Source, summary: ImportSummary) {
    setStep({ name: "importing", source, summary });
    const res = await api<ImportSummary>(url(false), { raw: { body: source.body, contentType: "text/csv" } });
    if (!res.ok) {
      setStep({ name: "preview", source, summary, error: res.error });
      return;
    }
    onImported(res.data);
  }

  if (step.name === "preview" || step.name === "importing") {
    const { summary, source } = step;
    const applies = summary.added + summary.invited;
    return (
      <section aria-labelledby="import-preview-heading" className="flex flex-col gap-4">
        <h3 id="import-preview-heading" ref={previewHeading} tabIndex={-1} className="text-base font-semibold outline-none">
          Check before importing {source.label}
        </h3>
        {step.name === "preview" && step.error ? <Alert tone="error">{step.error.message}</Alert> : null}
        <ul className="grid gap-3 sm:grid-cols-3" data-testid="import-preview">
          <PreviewCount n={summary.added} label="will be enrolled" hint="They have an account: enrolled and approved now." />
          <PreviewCount n={summary.invited} label="will be invited" hint="No account yet: enrolled when they register with this e-mail." />
          <PreviewCount n={summary.alreadyEnrolled} label="already enrolled" hint="Nothing changes, except a new student number." />
        </ul>
        {summary.invalid.length > 0 ? (
          <div className="rounded-lg border border-amber-200 bg-amber-50">
            <h4 className="px-4 pt-3 text-sm font-semibold text-amber-950">
              {plural(summary.invalid.length, "line")} will be skipped
            </h4>
            <div className="max-h-72 overflow-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-amber-950">
                  <tr>
                    <th scope="col" className="px-4 py-2 font-medium">Line</th>
                    <th scope="col" className="px-2 py-2 font-medium">E-mail</th>
                    <th scope="col" className="px-4 py-2 font-medium">Problem</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-amber-200 text-amber-950">
                  {summary.invalid.map((r) => (
                    <tr key={r.line}>
                      <td className="px-4 py-2 tabular-nums">{r.line}</td>
                      <td className="max-w-[14rem] truncate px-2 py-2 font-mono text-xs">{r.email || "—"}</td>
                      <td className="px-4 py-2">{r.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ) : (
          <p className="text-sm text-slate-700">Every line can be imported.</p>
        )}
        <div className="flex flex-wrap gap-3">
          <Button onClick={() => void confirm(source, summary)} disabled={applies === 0 || step.name === "importing"}>
            {step.name === "importing" ? "Importing…" : applies === 0 ? "Nothing to import" : `Import ${plural(applies, "student")}`}
          </Button>
          <Button variant="secondary" onClick={() => setStep({ name: "edit", error: null })} disabled={step.name === "importing"}>
            Change the list
          </Button>
        </div>
      </section>
    );
  }

  return (
    <form
      className="flex flex-col gap-4"
      aria-busy={step.name === "checking"}
      onSubmit={(e) => {
        e.preventDefault();
        void check();
      }}
    >
      {step.name === "edit" && step.error ? <Alert tone="error">{step.error.message}</Alert> : null}
      <div className="flex flex-col gap-1.5">
        <label htmlFor={textId} className="text-sm font-medium text-slate-800">
          Paste the class list
        </label>
        <textarea
          id={textId}
          aria-describedby={hintId}
          rows={7}
          value={text}
          disabled={file !== null}
          onChange={(e) => setText(e.target.value)}
          placeholder={"email,name,student number\nada@uni.example,Ada Lovelace,S-1001"}
          spellCheck={false}
          className="rounded-lg border border-slate-300 bg-white px-3 py-2.5 font-mono text-sm text-slate-900 shadow-sm outline-none focus:border-brand-600 focus:ring-2 focus:ring-brand-600/30 disabled:bg-slate-100"
        />
        <p id={hintId} className="text-sm text-slate-600">
          A header row naming the columns (<span className="font-mono">email</span>, and optionally <span className="font-mono">name</span> and{" "}
          <span className="font-mono">student number</span>), then one student per line. Comma, semicolon or copied spreadsheet cells.
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <span className="text-sm text-slate-600">or</span>
        <input
          ref={fileInput}
          type="file"
          accept=".csv,text/csv,text/plain"
          aria-label="Upload a CSV file"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          className="text-sm text-slate-700 file:mr-3 file:rounded-lg file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-semibold file:text-slate-900 hover:file:bg-slate-100"
        />
        {file ? (
          <Button
            variant="ghost"
            size="sm"
            onClick={() => {
              setFile(null);
              if (fileInput.current) fileInput.current.value = "";
            }}
          >
            Remove file
          </Button>
        ) : null}
      </div>
      <div className="flex flex-wrap gap-3">
        <Button type="submit" disabled={step.name === "checking"}>
          {step.name === "checking" ? "Checking…" : "Check the list"}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
      <p className="text-sm text-slate-600">Nothing is imported until you confirm on the next step.</p>
    </form>
  );
}

function PreviewCount({ n, label, hint }: { n: number; label: string; hint: string }) {
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-3">
      <p>
        <span className="text-2xl font-bold tabular-nums text-slate-900">{n.toLocaleString()}</span> <span className="font-medium text-slate-800">{label}</span>
      </p>
      <p className="mt-1 text-sm text-slate-600">{hint}</p>
    </li>
  );
}
