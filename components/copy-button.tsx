"use client";

import { useState } from "react";
import { Button } from "./ui/button";

/** Copies a value; falls back to selecting nothing and saying so when the clipboard is unavailable (plain HTTP). */
export function CopyButton({ value, label = "Copy link" }: { value: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(value);
            setState("copied");
          } catch {
            setState("failed");
          }
          setTimeout(() => setState("idle"), 2500);
        }}
      >
        {state === "copied" ? "Copied" : label}
      </Button>
      <span role="status" className="sr-only">
        {state === "copied" ? "Link copied" : state === "failed" ? "Copying is not available here; select the link and copy it." : ""}
      </span>
    </>
  );
}
