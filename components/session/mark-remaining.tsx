"use client";

import { useEffect, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/api/client";
import type { Counts } from "@/lib/model/attendance";
import { ConfirmDialog } from "./confirm-dialog";
import { STATUS_LABEL } from "./format";

type BulkStatus = "absent" | "excused";
type BulkResult = { status: BulkStatus; at: string; marked: string[]; counts: Counts };
type UndoResult = { undone: string[]; kept: string[]; counts: Counts };

/** How long the undo stays offered: long enough to notice a slip, short enough not to undo a class's worth of later work. */
const UNDO_MS = 30_000;
/** How long the undo's own outcome stays up. */
const NOTICE_MS = 8_000;

const students = (n: number) => `${n} student${n === 1 ? "" : "s"}`;

/**
 * "Mark remaining…": every student not marked yet becomes absent or excused
 * in one go, after a confirmation naming how many and what; then an undo for a
 * while. The roster itself follows the socket's events (marked, unmarked).
 */
export function MarkRemaining({ base, unmarked, hydrated }: { base: string; unmarked: number; hydrated: boolean }) {
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<BulkStatus>("absent");
  const [busy, setBusy] = useState(false);
  const [last, setLast] = useState<BulkResult | null>(null);
  const [notice, setNotice] = useState<{ text: string; tone: "ok" | "error" } | null>(null);
  const name = useId();

  useEffect(() => {
    if (!last) return;
    const timer = setTimeout(() => setLast(null), UNDO_MS);
    return () => clearTimeout(timer);
  }, [last]);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  const confirm = async () => {
    setBusy(true);
    const res = await api<BulkResult>(`${base}/mark-remaining`, { method: "POST", body: { status, onlyUnmarked: true } });
    setBusy(false);
    setOpen(false);
    if (!res.ok) return setNotice({ text: `Could not mark the remaining students: ${res.error.message}`, tone: "error" });
    if (res.data.marked.length === 0) return setNotice({ text: "Everyone was already marked: nothing changed.", tone: "ok" });
    setNotice(null);
    setLast(res.data);
  };

  const undo = async () => {
    if (!last) return;
    setBusy(true);
    const res = await api<UndoResult>(`${base}/mark-remaining/undo`, { method: "POST", body: { status: last.status, at: last.at, studentIds: last.marked } });
    setBusy(false);
    if (!res.ok) return setNotice({ text: `Could not undo: ${res.error.message}`, tone: "error" });
    setLast(null);
    const kept = res.data.kept.length;
    setNotice({
      text: `${students(res.data.undone.length)} back to ${STATUS_LABEL.unmarked.toLowerCase()}.${kept ? ` ${students(kept)} changed since ${kept === 1 ? "was" : "were"} kept.` : ""}`,
      tone: "ok",
    });
  };

  const label = STATUS_LABEL[status].toLowerCase();
  return (
    <>
      {unmarked > 0 ? (
        <Button variant="secondary" onClick={() => setOpen(true)} disabled={!hydrated || busy} data-testid="mark-remaining">
          Mark remaining…
        </Button>
      ) : null}
      <ConfirmDialog
        open={open}
        title={`Mark the ${students(unmarked)} not marked yet?`}
        confirmLabel={`Mark ${unmarked} ${label}`}
        busyLabel="Marking…"
        busy={busy}
        onConfirm={confirm}
        onClose={() => setOpen(false)}
      >
        <fieldset>
          <legend className="font-medium text-slate-900">Mark them as</legend>
          <div className="mt-2 flex gap-4">
            {(["absent", "excused"] as const).map((s) => (
              <label key={s} className="inline-flex items-center gap-2">
                <input type="radio" name={name} value={s} checked={status === s} onChange={() => setStatus(s)} className="size-4 accent-brand-600" />
                {STATUS_LABEL[s]}
              </label>
            ))}
          </div>
        </fieldset>
        <p className="mt-3">
          Students who check in or are marked before you confirm keep their status. You can undo this for {UNDO_MS / 1000} seconds, and change any
          mark afterwards; every change is in the audit trail.
        </p>
      </ConfirmDialog>
      <div role="status" aria-live="polite" className="fixed inset-x-0 bottom-4 z-40 flex justify-center px-4 empty:hidden">
        {last ? (
          <div className="flex items-center gap-4 rounded-lg bg-slate-900 px-4 py-3 text-sm text-white shadow-lg" data-testid="bulk-toast">
            <span>
              Marked {students(last.marked.length)} {STATUS_LABEL[last.status].toLowerCase()}.
            </span>
            <button
              type="button"
              onClick={undo}
              disabled={busy}
              className="rounded-md px-2 py-1 font-semibold text-white underline underline-offset-2 hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white"
            >
              {busy ? "Undoing…" : "Undo"}
            </button>
          </div>
        ) : notice ? (
          <div className={`rounded-lg px-4 py-3 text-sm shadow-lg ${notice.tone === "error" ? "bg-red-50 text-red-900 ring-1 ring-red-200" : "bg-slate-900 text-white"}`} data-testid="bulk-toast">
            {notice.text}
          </div>
        ) : null}
      </div>
    </>
  );
}
